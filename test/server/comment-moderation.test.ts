import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import {
  adminReq, ageComment, assertError, comment, commentWrite, createCommentSite, mintToken, ok, page, postComment, uid
} from './helpers/api.ts'

const HELD_FIRST = 'held for review: first comments are reviewed'
const HELD_WORD = "held for review: contains a word on this site's review list"
const HELD_LINKS = 'held for review: links are reviewed'
const HELD_PRE = 'held for review: comments are reviewed before they appear'

/** A small RFC 4180 reader (as in csv.test.ts). */
function parseCsv (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(cell); cell = '' } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++ } else cell += c
  }
  return rows
}

forEachDb('comment moderation', env => {
  let t: TestApp
  before(async () => { t = await env.startApp() })
  after(() => t.close())

  test('pre-moderation: held with a reason, visible only to the author, published on approval', async () => {
    const site = await createCommentSite(t.app, { moderation: 'pre' })
    const key = uid('pre')
    const me = await mintToken(t.app)
    const res = ok(await postComment(t.app, me, { thread: key, site: site.id, body: 'please review me' }), 201)
    assert.equal(res.comment.status, 'pending')
    assert.equal(res.comment.heldReason, HELD_PRE)
    assert.equal(res.comment.held, 'pre') // the same reason as a code, for widgets to translate
    assert.equal(res.thread.commentCount, 0)
    assert.equal(res.thread.moderation, 'pre')
    assert.equal((await page(t.app, site.id, key)).comments.length, 0, 'others do not see it')
    const mine = (await page(t.app, site.id, key, me)).comments
    assert.deepEqual([mine.length, mine[0].status, mine[0].heldReason], [1, 'pending', HELD_PRE])
    assertError(await commentWrite(t.app, 'POST', `/v1/comments/${res.comment.id}/vote`, await mintToken(t.app), { value: 1 }), 409, 'NOT_PUBLISHED')
    assertError(await postComment(t.app, await mintToken(t.app), { thread: key, site: site.id, body: 'reply', parentId: res.comment.id }), 409, 'PARENT_UNAVAILABLE')

    const queue = ok(await adminReq(t.app, 'GET', `/comments?status=pending&site=${site.id}`))
    assert.equal(queue.comments.length, 1)
    assert.equal(queue.comments[0].threadKey, key)
    assert.equal(queue.comments[0].heldReason, HELD_PRE)
    const approved = ok(await adminReq(t.app, 'POST', `/comments/${res.comment.id}/approve`))
    assert.equal(approved.status, 'published')
    const pub = await page(t.app, site.id, key)
    assert.deepEqual([pub.comments.length, pub.comments[0].status, pub.thread.commentCount], [1, 'published', 1])
    assert.equal(pub.comments[0].heldReason, undefined)
    assert.equal(ok(await adminReq(t.app, 'GET', `/comments?status=pending&site=${site.id}`)).comments.length, 0)
  })

  test('first-comment moderation: the first is held, after an approval the author posts freely', async () => {
    const site = await createCommentSite(t.app, { moderation: 'first' })
    const key = uid('first')
    const me = await mintToken(t.app)
    const first = await comment(t.app, me, key, 'hello', { site: site.id })
    assert.deepEqual([first.status, first.heldReason], ['pending', HELD_FIRST])
    const second = await comment(t.app, me, key, 'still waiting?', { site: site.id })
    assert.equal(second.status, 'pending', 'nothing approved yet')
    ok(await adminReq(t.app, 'POST', `/comments/${first.id}/approve`))
    const third = await comment(t.app, me, uid('other-thread'), 'known now, on any thread of the site', { site: site.id })
    assert.equal(third.status, 'published')
    const stranger = await comment(t.app, await mintToken(t.app), key, 'new here', { site: site.id })
    assert.equal(stranger.status, 'pending')
  })

  test('per-thread override of the site default, and back', async () => {
    const site = await createCommentSite(t.app)
    const key = uid('override')
    const thread = ok(await adminReq(t.app, 'PATCH', '/threads', { site: site.id, key, moderation: 'pre' }))
    assert.deepEqual([thread.moderation, thread.moderationOverride, thread.exists], ['pre', 'pre', true])
    assert.equal((await comment(t.app, await mintToken(t.app), key, 'held', { site: site.id })).status, 'pending')
    assert.equal((await comment(t.app, await mintToken(t.app), uid('plain'), 'not held', { site: site.id })).status, 'published')
    const back = ok(await adminReq(t.app, 'PATCH', '/threads', { site: site.id, key, moderation: null }))
    assert.deepEqual([back.moderation, back.moderationOverride, back.pending], ['post', null, 1])
    assert.equal((await comment(t.app, await mintToken(t.app), key, 'free again', { site: site.id })).status, 'published')
    // The site's default changes for threads without an override.
    ok(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, { comments: { moderation: 'pre' } }))
    assert.equal((await comment(t.app, await mintToken(t.app), key, 'held by the site default', { site: site.id })).status, 'pending')
    const s = ok(await adminReq(t.app, 'GET', '/sites')).sites.find((x: any) => x.id === site.id)
    assert.equal(s.comments.moderation, 'pre')
    assert.equal(s.comments.rateLimitSeconds, 0, 'a settings patch merges field by field')
  })

  test('suspect words hold, banned words refuse (case-insensitive whole words); links are held when asked', async () => {
    const site = await createCommentSite(t.app, { suspectWords: ['idiot', 'rip off'], bannedWords: ['Scumbag'], holdLinks: true })
    const key = uid('words')
    const tok = () => mintToken(t.app)
    const held = await comment(t.app, await tok(), key, 'What an IDIOT plan.', { site: site.id })
    assert.deepEqual([held.status, held.heldReason, held.held], ['pending', HELD_WORD, 'suspect'])
    assert.equal((await comment(t.app, await tok(), key, 'a total Rip  Off', { site: site.id })).status, 'pending')
    assert.equal((await comment(t.app, await tok(), key, 'idiotic would not match, nor ripoff', { site: site.id })).status, 'published')
    const banned = assertError(await postComment(t.app, await tok(), { thread: key, site: site.id, body: 'you SCUMBAG' }), 422, 'BANNED_WORD')
    assert.match(String(banned.message), /Scumbag/)
    assert.deepEqual(banned.details, { word: 'Scumbag' })
    assert.equal((await comment(t.app, await tok(), key, 'scumbags is another word', { site: site.id })).status, 'published')
    const link = await comment(t.app, await tok(), key, 'details at www.example.org/plan', { site: site.id })
    assert.deepEqual([link.status, link.heldReason, link.held], ['pending', HELD_LINKS, 'links'])
    // Editing re-runs moderation: a published comment edited to a suspect word goes back to review.
    const me = await tok()
    const c = await comment(t.app, me, key, 'fine words', { site: site.id })
    const edited = ok(await commentWrite(t.app, 'PATCH', `/v1/comments/${c.id}`, me, { body: 'fine words, idiot' })).comment
    assert.deepEqual([edited.status, edited.heldReason], ['pending', HELD_WORD])
    assertError(await commentWrite(t.app, 'PATCH', `/v1/comments/${c.id}`, me, { body: 'scumbag' }), 422, 'BANNED_WORD')
    assert.equal((await page(t.app, site.id, key)).comments.some((x: any) => x.id === c.id), false)
    // Settings are validated.
    assertError(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, { comments: { webhookUrl: 'ftp://x' } }), 422, 'INVALID_SITE')
    assertError(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, { comments: { reportThreshold: 0 } }), 400, 'BAD_REQUEST')
    assertError(await adminReq(t.app, 'PATCH', `/sites/${site.id}`, { comments: { colour: 'red' } }), 400, 'BAD_REQUEST')
  })

  test('reports: one per participant; at the threshold the comment is hidden until reviewed', async () => {
    const site = await createCommentSite(t.app, { reportThreshold: 2 })
    const key = uid('reports')
    const author = await mintToken(t.app)
    const c = await comment(t.app, author, key, 'controversial', { site: site.id })
    const url = `/v1/comments/${c.id}/report`
    const r1 = await mintToken(t.app)
    const res = await commentWrite(t.app, 'POST', url, r1, { reason: 'spam' })
    assert.equal(res.statusCode, 202)
    assert.deepEqual(res.json(), { reported: true })
    assert.equal((await commentWrite(t.app, 'POST', url, r1, { reason: 'abuse' })).statusCode, 202, 'a second report by the same participant is accepted…')
    assert.equal((await page(t.app, site.id, key)).comments[0].status, 'published', '…but not counted')
    assertError(await commentWrite(t.app, 'POST', url, await mintToken(t.app), { reason: 'illegal' }), 422, 'DETAILS_REQUIRED')
    assertError(await commentWrite(t.app, 'POST', url, await mintToken(t.app), { reason: 'illegal', details: '   ' }), 422, 'DETAILS_REQUIRED')
    assertError(await commentWrite(t.app, 'POST', url, await mintToken(t.app), { reason: 'rude' }), 400, 'BAD_REQUEST')
    assertError(await commentWrite(t.app, 'POST', url, await mintToken(t.app), { reason: 'spam', details: 'x'.repeat(2001) }), 400, 'BAD_REQUEST')
    assert.equal((await commentWrite(t.app, 'POST', url, await mintToken(t.app), { reason: 'illegal', details: 'Defamation under §186 StGB' })).statusCode, 202)

    const pub = await page(t.app, site.id, key)
    assert.equal(pub.comments.length, 0, 'hidden from everyone else')
    assert.equal(pub.thread.commentCount, 0)
    const own = (await page(t.app, site.id, key, author)).comments[0]
    assert.equal(own.status, 'hidden')
    assert.match(own.heldReason, /hidden after reports/)
    assertError(await commentWrite(t.app, 'PATCH', `/v1/comments/${c.id}`, author, { body: 'sorry' }), 409, 'NOT_EDITABLE')

    const queue = ok(await adminReq(t.app, 'GET', `/comments?status=reported&site=${site.id}`)).comments
    assert.equal(queue.length, 1)
    assert.equal(queue[0].reports.open, 2)
    assert.deepEqual(queue[0].reports.reasons, { spam: 1, abuse: 0, 'off-topic': 0, illegal: 1 })
    assert.ok(queue[0].reports.items.some((i: any) => i.details === 'Defamation under §186 StGB'))
    ok(await adminReq(t.app, 'POST', `/comments/${c.id}/approve`))
    assert.equal((await page(t.app, site.id, key)).comments[0].status, 'published', 'approval restores it')
    assert.equal(ok(await adminReq(t.app, 'GET', `/comments?status=reported&site=${site.id}`)).comments.length, 0, 'and closes its reports')
  })

  test('reject with a reason: the author is told, everyone else sees nothing (or a placeholder)', async () => {
    const site = await createCommentSite(t.app)
    const key = uid('reject')
    const author = await mintToken(t.app)
    const c = await comment(t.app, author, key, 'off the rails', { site: site.id })
    const reply = await comment(t.app, await mintToken(t.app), key, 'a reply', { site: site.id, parentId: c.id })
    assertError(await adminReq(t.app, 'POST', `/comments/${c.id}/reject`, {}), 400, 'BAD_REQUEST')
    const rejected = ok(await adminReq(t.app, 'POST', `/comments/${c.id}/reject`, { reason: 'personal attacks are not allowed' }))
    assert.deepEqual([rejected.status, rejected.rejectReason], ['rejected', 'personal attacks are not allowed'])
    const own = (await page(t.app, site.id, key, author)).comments[0]
    assert.deepEqual([own.status, own.body, own.heldReason], ['hidden', 'off the rails', 'removed by a moderator: personal attacks are not allowed'])
    assert.deepEqual([own.held, own.rejectReason], ['rejected', 'personal attacks are not allowed'])
    const pub = (await page(t.app, site.id, key)).comments[0]
    assert.deepEqual([pub.status, pub.body, pub.author.name], ['hidden', '', ''], 'a placeholder keeps the reply in place')
    assert.equal(pub.replies[0].id, reply.id)
    assert.equal(ok(await adminReq(t.app, 'GET', `/comments?status=hidden&site=${site.id}`)).comments[0].id, c.id)
    assertError(await adminReq(t.app, 'POST', '/comments/nope/approve'), 404, 'NOT_FOUND')
  })

  test('bans: by comment (its author) and by participant; lifting a ban', async () => {
    const site = await createCommentSite(t.app)
    const key = uid('ban')
    const troll = await mintToken(t.app)
    const c = await comment(t.app, troll, key, 'trolling', { site: site.id })
    const ban = ok(await adminReq(t.app, 'POST', `/sites/${site.id}/bans`, { commentId: c.id, reason: 'repeated abuse' }), 201)
    assertError(await commentWrite(t.app, 'PATCH', `/v1/comments/${c.id}`, troll, { body: 'worse' }), 403, 'BANNED')
    assert.equal(ban.commentId, c.id)
    assert.match(ban.authorKey, /^[0-9a-f]{16}$/)
    assertError(await postComment(t.app, troll, { thread: key, site: site.id, body: 'again' }), 403, 'BANNED')
    const other = await createCommentSite(t.app)
    ok(await postComment(t.app, troll, { thread: key, site: other.id, body: 'other site' }), 201)
    const list = ok(await adminReq(t.app, 'GET', `/sites/${site.id}/bans`)).bans
    assert.deepEqual(list.map((b: any) => b.id), [ban.id])
    assert.equal((await adminReq(t.app, 'DELETE', `/sites/${site.id}/bans/${ban.id}`)).statusCode, 204)
    ok(await postComment(t.app, troll, { thread: key, site: site.id, body: 'behaving now' }), 201)

    const pid = ok(await adminReq(t.app, 'GET', `/comments/${c.id}`)).author.participantId
    ok(await adminReq(t.app, 'POST', `/sites/${site.id}/bans`, { participantId: pid }), 201)
    assertError(await postComment(t.app, troll, { thread: key, site: site.id, body: 'x' }), 403, 'BANNED')
    assertError(await adminReq(t.app, 'POST', `/sites/${site.id}/bans`, {}), 422, 'INVALID_BAN')
    assertError(await adminReq(t.app, 'POST', `/sites/${site.id}/bans`, { commentId: 'nope' }), 404, 'NOT_FOUND')
    assertError(await adminReq(t.app, 'DELETE', `/sites/${site.id}/bans/nope`), 404, 'NOT_FOUND')
  })

  test('closing: manually and by date; reopening', async () => {
    const site = await createCommentSite(t.app)
    const key = uid('close')
    const me = await mintToken(t.app)
    const c = await comment(t.app, me, key, 'before closing', { site: site.id })
    const closed = ok(await adminReq(t.app, 'PATCH', '/threads', { site: site.id, key, status: 'closed' }))
    assert.equal(closed.status, 'closed')
    assert.ok(closed.closedAt)
    assert.equal((await page(t.app, site.id, key)).thread.status, 'closed')
    assertError(await postComment(t.app, me, { thread: key, site: site.id, body: 'too late' }), 409, 'THREAD_CLOSED')
    assertError(await commentWrite(t.app, 'PATCH', `/v1/comments/${c.id}`, me, { body: 'edit' }), 409, 'THREAD_CLOSED')
    assertError(await commentWrite(t.app, 'POST', `/v1/comments/${c.id}/vote`, me, { value: 1 }), 409, 'THREAD_CLOSED')
    assert.equal((await commentWrite(t.app, 'POST', `/v1/comments/${c.id}/report`, me, { reason: 'spam' })).statusCode, 202, 'reports still accepted')
    ok(await adminReq(t.app, 'PATCH', '/threads', { site: site.id, key, status: 'open' }))
    ok(await postComment(t.app, me, { thread: key, site: site.id, body: 'open again' }), 201)

    const past = new Date(Date.now() - 60_000).toISOString()
    const dated = ok(await adminReq(t.app, 'PATCH', '/threads', { site: site.id, key, closesAt: past }))
    assert.deepEqual([dated.status, dated.closesAt, dated.closedAt], ['closed', past, null])
    assertError(await postComment(t.app, await mintToken(t.app), { thread: key, site: site.id, body: 'x' }), 409, 'THREAD_CLOSED')
    const future = new Date(Date.now() + 3_600_000).toISOString()
    assert.equal(ok(await adminReq(t.app, 'PATCH', '/threads', { site: site.id, key, closesAt: future })).status, 'open')
    assert.equal((await page(t.app, site.id, key)).thread.closesAt, future)
    // A thread can be closed before anyone commented.
    const fresh = uid('pre-closed')
    ok(await adminReq(t.app, 'PATCH', '/threads', { site: site.id, key: fresh, status: 'closed' }))
    assertError(await postComment(t.app, me, { thread: fresh, site: site.id, body: 'x' }), 409, 'THREAD_CLOSED')
    const threads = ok(await adminReq(t.app, 'GET', `/threads?site=${site.id}`)).threads
    assert.deepEqual(threads.map((x: any) => x.key).sort(), [key, fresh].sort())
  })

  test('per-author rate limit and daily cap, with Retry-After', async () => {
    const site = await createCommentSite(t.app, { rateLimitSeconds: 30, dailyCap: 3 })
    const key = uid('rate')
    const me = await mintToken(t.app)
    const first = await comment(t.app, me, key, 'one', { site: site.id })
    const res = await postComment(t.app, me, { thread: key, site: site.id, body: 'two' })
    const e = assertError(res, 429, 'RATE_LIMITED')
    assert.ok(Number(res.headers['retry-after']) >= 29 && Number(res.headers['retry-after']) <= 30, String(res.headers['retry-after']))
    assert.equal((e.details as any).retryAfter, Number(res.headers['retry-after']))
    ok(await postComment(t.app, await mintToken(t.app), { thread: key, site: site.id, body: 'someone else' }), 201)
    // Refused comments do not count: after 30 s (simulated) the author may post again.
    await ageComment(t.app, first.id, 1)
    const second = await comment(t.app, me, key, 'two', { site: site.id })
    await ageComment(t.app, second.id, 1)
    const third = await comment(t.app, me, key, 'three', { site: site.id })
    await ageComment(t.app, third.id, 1)
    const capped = await postComment(t.app, me, { thread: key, site: site.id, body: 'four' })
    assertError(capped, 429, 'DAILY_LIMIT')
    const wait = Number(capped.headers['retry-after'])
    assert.ok(wait > 23 * 3600 && wait <= 24 * 3600, `retry after ${wait}`)
    // Validation runs before the limits: a bad comment does not burn the slot.
    assertError(await postComment(t.app, await mintToken(t.app), { thread: key, site: site.id, body: '' }), 422, 'EMPTY')
  })

  test('a per-IP ceiling on comments', async () => {
    const limited = await env.startApp({ commentIpPerMin: 3 })
    try {
      const site = await createCommentSite(limited.app)
      const key = uid('ip')
      const ip = '198.51.100.9'
      for (let i = 0; i < 3; i++) ok(await postComment(limited.app, await mintToken(limited.app), { thread: key, site: site.id, body: `c${i}` }, { remoteAddress: ip }), 201)
      const res = await postComment(limited.app, await mintToken(limited.app), { thread: key, site: site.id, body: 'c4' }, { remoteAddress: ip })
      assertError(res, 429, 'RATE_LIMITED')
      assert.ok(Number(res.headers['retry-after']) >= 1)
      ok(await postComment(limited.app, await mintToken(limited.app), { thread: key, site: site.id, body: 'other ip' }, { remoteAddress: '198.51.100.10' }), 201)
    } finally {
      await limited.close()
    }
  })

  test('exports: JSON with every comment and CSV with formula-safe cells and pseudonymous authors', async () => {
    const site = await createCommentSite(t.app, { suspectWords: ['held'] })
    const key = `https://city.example/news/${uid('export')}`
    const tok = await mintToken(t.app)
    const a = await comment(t.app, tok, key, '=HYPERLINK("http://evil.example","click")', { site: site.id, name: '@attacker' })
    await comment(t.app, await mintToken(t.app), key, 'line one\nline "two", held', { site: site.id, name: '+plus', parentId: a.id })
    ok(await commentWrite(t.app, 'POST', `/v1/comments/${a.id}/report`, await mintToken(t.app), { reason: 'spam' }), 202)

    const json = ok(await adminReq(t.app, 'GET', `/threads/export.json?site=${site.id}&key=${encodeURIComponent(key)}`))
    assert.equal(json.thread.key, key)
    assert.equal(json.thread.pending, 1)
    assert.equal(json.thread.reported, 1)
    assert.deepEqual(json.comments.map((c: any) => c.status), ['published', 'pending'])
    assert.equal(json.comments[1].parent.id, a.id)
    assert.equal(json.comments[1].parent.body, a.body)

    const res = await adminReq(t.app, 'GET', `/threads/export.csv?site=${site.id}&key=${encodeURIComponent(key)}`)
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^text\/csv/)
    assert.match(String(res.headers['content-disposition']), /attachment; filename="comments-city-example-news-export-[a-f0-9]+\.csv"/)
    assert.ok(res.body.startsWith('\ufeff'))
    const rows = parseCsv(res.body.slice(1))
    assert.deepEqual(rows[0], ['id', 'parent_id', 'depth', 'created_at', 'edited_at', 'status', 'author_name', 'verified', 'author', 'body', 'up', 'down', 'reports'])
    assert.equal(rows.length, 3)
    for (const r of rows.slice(1)) for (const cell of r) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${cell} could run as a formula`)
    assert.equal(rows[1]![9], `'=HYPERLINK("http://evil.example","click")`)
    assert.equal(rows[1]![6], "'@attacker")
    assert.equal(rows[1]![12], '1')
    assert.equal(rows[2]![9], 'line one\nline "two", held')
    assert.match(rows[1]![8]!, /^[0-9a-f]{16}$/)
    assert.ok(!res.body.includes(tok.split('.')[1]!), 'no participant ids in the export')
    assertError(await adminReq(t.app, 'GET', `/threads/export.csv?site=${site.id}&key=nope`), 404, 'NOT_FOUND')
    assertError(await t.app.inject({ method: 'GET', url: `/v1/admin/threads/export.csv?site=${site.id}&key=x` }), 401, 'UNAUTHORIZED')
  })

  test('the queue pages with a cursor and filters by thread', async () => {
    const site = await createCommentSite(t.app, { moderation: 'pre' })
    const key = uid('queue')
    for (let i = 0; i < 55; i++) await comment(t.app, await mintToken(t.app), key, `q${i}`, { site: site.id })
    await comment(t.app, await mintToken(t.app), uid('elsewhere'), 'other thread', { site: site.id })
    const p1 = ok(await adminReq(t.app, 'GET', `/comments?site=${site.id}&thread=${key}`))
    assert.equal(p1.comments.length, 50)
    assert.equal(p1.comments[0].body, 'q0', 'oldest first')
    const p2 = ok(await adminReq(t.app, 'GET', `/comments?site=${site.id}&thread=${key}&cursor=${p1.nextCursor}`))
    assert.deepEqual(p2.comments.map((c: any) => c.body), ['q50', 'q51', 'q52', 'q53', 'q54'])
    assert.equal(p2.nextCursor, null)
    assert.equal(ok(await adminReq(t.app, 'GET', `/comments?site=${site.id}&status=all`)).comments.length, 50)
  })
})

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { SignJWT } from 'jose'
import { canonicalKey, containsLink, wordMatcher } from '../../server/services/comment-rules.ts'
import { forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import {
  adminReq, ageComment, assertError, comment, commentWrite, createCommentSite, listComments, mintToken, ok, page, postComment, uid
} from './helpers/api.ts'

test('thread keys: absolute URLs lose query, fragment and default port; other keys stay as given', () => {
  assert.equal(canonicalKey('https://Riverton.example:443/news/bike-lanes?utm=x#c'), 'https://riverton.example/news/bike-lanes')
  assert.equal(canonicalKey('http://localhost:8080'), 'http://localhost:8080/')
  assert.equal(canonicalKey('http://localhost:8080/?a=1'), 'http://localhost:8080/')
  assert.equal(canonicalKey('budget-2025'), 'budget-2025')
  assert.equal(canonicalKey('Budget 2025?'), 'Budget 2025?')
})

test('word lists match case-insensitively, whole words and phrases only, in any script', () => {
  const m = wordMatcher(['scam', 'Idiot', 'bad deal', 'dummkopf', 'ßtraße'])
  assert.equal(m.find('This is a SCAM!'), 'scam')
  assert.equal(m.find('Scampi for dinner'), null)
  assert.equal(m.find('antiscam'), null)
  assert.equal(m.find('you idiot.'), 'Idiot')
  assert.equal(m.find('what a  Bad\nDeal'), 'bad deal')
  assert.equal(m.find('bad dealer'), null)
  assert.equal(m.find('Du Dummkopf'), 'dummkopf')
  assert.equal(m.find('Dummköpfe'), null)
  assert.equal(m.find('scam_artist'), null, 'underscore joins words')
  assert.equal(wordMatcher([]).find('anything'), null)
  assert.equal(wordMatcher(['a.b']).find('aXb'), null, 'entries are literal, not patterns')
})

test('links are recognised with or without a scheme', () => {
  for (const t of ['see https://x.example/a', 'go to www.example.org', 'visit cheap-pills.com today', 'http://10.0.0.1']) assert.equal(containsLink(t), true, t)
  for (const t of ['e.g. this', 'node.js is fine', 'the end.Next sentence', 'version 1.2.3']) assert.equal(containsLink(t), false, t)
})

/** Strings that would run as script if anything turned them into HTML. */
const XSS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "javascript:alert('x')",
  '<a href="javascript:alert(1)">click</a>',
  '&lt;b&gt;entities stay entities&lt;/b&gt;',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '{{constructor.constructor("alert(1)")()}}',
  '${alert(1)}',
  '<style>*{display:none}</style>',
  '\u202eevil\u202c right-to-left override',
  'line one\r\nline two\n\n<b>bold?</b>',
  '=HYPERLINK("http://evil.example","x")'
]

forEachDb('comments', env => {
  let t: TestApp
  let siteId: string
  before(async () => {
    t = await env.startApp()
    siteId = (await createCommentSite(t.app)).id
  })
  after(() => t.close())

  test('an unknown thread reads as empty; the first comment creates it and is published', async () => {
    const key = `https://city.example/news/${uid('a')}`
    const empty = await page(t.app, siteId, key)
    assert.deepEqual(empty.comments, [])
    assert.equal(empty.nextCursor, null)
    assert.deepEqual(empty.thread, { key, siteId, exists: false, status: 'open', closesAt: null, commentCount: 0, moderation: 'post' })
    assert.ok(Math.abs(Date.parse(empty.serverTime) - Date.now()) < 5000)

    const token = await mintToken(t.app)
    const res = ok(await postComment(t.app, token, { thread: `${key}?utm_source=x#comments`, site: siteId, name: '  Ana  ', body: 'Hello, neighbours!' }), 201)
    const c = res.comment
    assert.equal(c.status, 'published')
    assert.equal(c.body, 'Hello, neighbours!')
    assert.deepEqual(c.author, { name: 'Ana', verified: false })
    assert.equal(c.depth, 0)
    assert.equal(c.parentId, null)
    assert.equal(c.inReplyTo, null)
    assert.equal(c.mine, true)
    assert.deepEqual([c.up, c.down, c.myVote, c.moreReplies], [0, 0, 0, 0])
    assert.equal(c.heldReason, undefined)
    assert.equal(c.editedAt, null)
    const until = Date.parse(c.editableUntil) - Date.parse(c.createdAt)
    assert.equal(until, 15 * 60_000, 'editable for the default 15 minutes')
    assert.deepEqual(res.thread, { key, siteId, exists: true, status: 'open', closesAt: null, commentCount: 1, moderation: 'post' })

    const mine = await page(t.app, siteId, key, token)
    assert.equal(mine.comments[0].id, c.id)
    assert.equal(mine.comments[0].mine, true)
    const other = await page(t.app, siteId, key)
    assert.equal(other.comments[0].mine, false)
    assert.equal(other.comments[0].editableUntil, null)
    assert.equal(other.thread.commentCount, 1)
    const res2 = await listComments(t.app, { thread: key, site: siteId })
    assert.equal(res2.headers['cache-control'], 'no-store')
  })

  test('the XSS corpus is stored and returned verbatim, as JSON text', async () => {
    const key = uid('xss')
    const token = await mintToken(t.app)
    const ids: string[] = []
    for (const body of XSS) ids.push((await comment(t.app, token, key, body, { site: siteId, name: '<img src=x onerror=alert(2)>' })).id)
    const p = await page(t.app, siteId, key, undefined, { sort: 'oldest' })
    assert.deepEqual(p.comments.map((c: any) => c.body), XSS)
    for (const c of p.comments) assert.equal(c.author.name, '<img src=x onerror=alert(2)>')
    const raw = (await listComments(t.app, { thread: key, site: siteId })).body
    assert.match(raw, /"body":"<script>alert\(1\)<\/script>"/, 'no HTML escaping on the server either: the widget renders text')
    const exported = ok(await adminReq(t.app, 'GET', `/threads/export.json?site=${siteId}&key=${key}`))
    assert.deepEqual(exported.comments.map((c: any) => c.body), XSS)
  })

  test('replies nest to depth 2; a reply to depth 2 is flattened beside it with inReplyTo', async () => {
    const key = uid('nest')
    const [a, b, c] = [await mintToken(t.app), await mintToken(t.app), await mintToken(t.app)]
    const root = await comment(t.app, a, key, 'root', { site: siteId, name: 'Ann' })
    const r1 = await comment(t.app, b, key, 'reply 1', { site: siteId, name: 'Ben', parentId: root.id })
    assert.deepEqual([r1.depth, r1.parentId, r1.inReplyTo], [1, root.id, null])
    const r2 = await comment(t.app, c, key, 'reply 2', { site: siteId, name: 'Cai', parentId: r1.id })
    assert.deepEqual([r2.depth, r2.parentId, r2.inReplyTo], [2, r1.id, null])
    const r3 = await comment(t.app, a, key, 'reply 3', { site: siteId, name: 'Ann', parentId: r2.id })
    assert.deepEqual([r3.depth, r3.parentId, r3.inReplyTo], [2, r1.id, { id: r2.id, name: 'Cai' }])
    const r4 = await comment(t.app, b, key, 'another top-level reply', { site: siteId, name: 'Ben', parentId: root.id })

    const p = await page(t.app, siteId, key)
    assert.equal(p.comments.length, 1)
    const top = p.comments[0]
    assert.equal(top.id, root.id)
    assert.deepEqual(top.replies.map((r: any) => r.id), [r1.id, r4.id], 'replies oldest first')
    assert.deepEqual(top.replies[0].replies.map((r: any) => [r.id, r.depth]), [[r2.id, 2], [r3.id, 2]])
    assert.deepEqual(top.replies[0].replies[1].replies, [])
    assert.equal(top.moreReplies, 0)
    assert.equal(p.thread.commentCount, 5)

    // A reply to a comment of another thread, or an unknown one, is refused.
    assertError(await postComment(t.app, a, { thread: uid('other'), site: siteId, body: 'x', parentId: root.id }), 409, 'PARENT_UNAVAILABLE')
    assertError(await postComment(t.app, a, { thread: key, site: siteId, body: 'x', parentId: 'nope' }), 404, 'NOT_FOUND')
  })

  test('up to 50 replies per top-level comment; the rest via /replies?after=', async () => {
    const key = uid('many')
    const token = await mintToken(t.app)
    const root = await comment(t.app, token, key, 'root', { site: siteId })
    const replies: string[] = []
    for (let i = 0; i < 57; i++) replies.push((await comment(t.app, token, key, `r${i}`, { site: siteId, parentId: root.id })).id)
    const top = (await page(t.app, siteId, key)).comments[0]
    assert.equal(top.replies.length, 50)
    assert.equal(top.moreReplies, 7)
    assert.deepEqual(top.replies.map((r: any) => r.id), replies.slice(0, 50))
    const more = ok(await t.app.inject({ method: 'GET', url: `/v1/comments/${root.id}/replies?after=${top.replies[49].id}` }))
    assert.deepEqual(more.replies.map((r: any) => r.id), replies.slice(50))
    assert.equal(more.moreReplies, 0)
    const first = ok(await t.app.inject({ method: 'GET', url: `/v1/comments/${root.id}/replies` }))
    assert.equal(first.replies.length, 50)
    assert.equal(first.moreReplies, 7)
    assertError(await t.app.inject({ method: 'GET', url: `/v1/comments/${root.id}/replies?after=${root.id}` }), 400, 'BAD_REQUEST')
    assertError(await t.app.inject({ method: 'GET', url: `/v1/comments/${replies[0]}/replies` }), 400, 'BAD_REQUEST')
  })

  test('paging: 30 per page, cursors stable under inserts, newest/oldest/top', async () => {
    const key = uid('pages')
    const token = await mintToken(t.app)
    const voters = await Promise.all(Array.from({ length: 3 }, () => mintToken(t.app)))
    const ids: string[] = []
    for (let i = 0; i < 65; i++) ids.push((await comment(t.app, token, key, `c${i}`, { site: siteId })).id)
    // Give a few comments votes for `top`.
    const score: Record<string, number> = { [ids[10]!]: 3, [ids[40]!]: 2, [ids[64]!]: 1, [ids[0]!]: -1 }
    for (const [id, s] of Object.entries(score)) {
      for (let v = 0; v < Math.abs(s); v++) ok(await commentWrite(t.app, 'POST', `/v1/comments/${id}/vote`, voters[v]!, { value: Math.sign(s) }))
    }

    const p1 = await page(t.app, siteId, key)
    assert.equal(p1.comments.length, 30)
    assert.deepEqual(p1.comments.map((c: any) => c.id), ids.slice(35).reverse())
    // New comments arrive between page loads: the next page neither repeats nor skips.
    for (let i = 0; i < 5; i++) await comment(t.app, token, key, `late${i}`, { site: siteId })
    const p2 = await page(t.app, siteId, key, undefined, { cursor: p1.nextCursor })
    assert.deepEqual(p2.comments.map((c: any) => c.id), ids.slice(5, 35).reverse())
    const p3 = await page(t.app, siteId, key, undefined, { cursor: p2.nextCursor })
    assert.deepEqual(p3.comments.map((c: any) => c.id), ids.slice(0, 5).reverse())
    assert.equal(p3.nextCursor, null)

    const o1 = await page(t.app, siteId, key, undefined, { sort: 'oldest' })
    assert.deepEqual(o1.comments.map((c: any) => c.id), ids.slice(0, 30))
    const o2 = await page(t.app, siteId, key, undefined, { sort: 'oldest', cursor: o1.nextCursor })
    assert.deepEqual(o2.comments.map((c: any) => c.id), ids.slice(30, 60))

    const top = await page(t.app, siteId, key, undefined, { sort: 'top' })
    assert.deepEqual(top.comments.slice(0, 3).map((c: any) => c.id), [ids[10], ids[40], ids[64]])
    assert.equal(top.comments[3].body, 'late4', 'ties: newest first')
    let all = [...top.comments]
    for (let cur = top.nextCursor; cur;) {
      const next = await page(t.app, siteId, key, undefined, { sort: 'top', cursor: cur })
      all = all.concat(next.comments)
      cur = next.nextCursor
    }
    assert.equal(all.length, 70)
    assert.equal(new Set(all.map(c => c.id)).size, 70)
    assert.equal(all.at(-1).id, ids[0], 'the down-voted one last')

    assertError(await listComments(t.app, { thread: key, site: siteId, cursor: 'garbage' }), 400, 'BAD_REQUEST')
    assertError(await listComments(t.app, { thread: key, site: siteId, sort: 'top', cursor: p1.nextCursor }), 400, 'BAD_REQUEST')
    assertError(await listComments(t.app, { thread: key, site: siteId, sort: 'best' }), 400, 'BAD_REQUEST')
  })

  test('votes: one per participant, changeable, 0 removes; myVote on reads', async () => {
    const key = uid('votes')
    const author = await mintToken(t.app)
    const c = await comment(t.app, author, key, 'vote me', { site: siteId })
    const [x, y] = [await mintToken(t.app), await mintToken(t.app)]
    const url = `/v1/comments/${c.id}/vote`
    assert.deepEqual(ok(await commentWrite(t.app, 'POST', url, x, { value: 1 })), { up: 1, down: 0, myVote: 1 })
    assert.deepEqual(ok(await commentWrite(t.app, 'POST', url, x, { value: 1 })), { up: 1, down: 0, myVote: 1 }, 'the same vote again counts once')
    assert.deepEqual(ok(await commentWrite(t.app, 'POST', url, y, { value: -1 })), { up: 1, down: 1, myVote: -1 })
    assert.deepEqual(ok(await commentWrite(t.app, 'POST', url, x, { value: -1 })), { up: 0, down: 2, myVote: -1 })
    assert.deepEqual(ok(await commentWrite(t.app, 'POST', url, y, { value: 0 })), { up: 0, down: 1, myVote: 0 })
    assert.equal((await page(t.app, siteId, key, x)).comments[0].myVote, -1)
    assert.equal((await page(t.app, siteId, key, y)).comments[0].myVote, 0)
    const seen = (await page(t.app, siteId, key)).comments[0]
    assert.deepEqual([seen.up, seen.down], [0, 1])
    assertError(await commentWrite(t.app, 'POST', url, x, { value: 2 }), 400, 'BAD_REQUEST')
    assertError(await commentWrite(t.app, 'POST', url, null, { value: 1 }), 401, 'PARTICIPANT_REQUIRED')
    assertError(await commentWrite(t.app, 'POST', '/v1/comments/nope/vote', x, { value: 1 }), 404, 'NOT_FOUND')
  })

  test('Idempotency-Key: a retried post answers the stored comment and stores one', async () => {
    const key = uid('idem')
    const token = await mintToken(t.app)
    const first = ok(await postComment(t.app, token, { thread: key, site: siteId, body: 'once' }, { key: 'k-1' }), 201)
    const again = ok(await postComment(t.app, token, { thread: key, site: siteId, body: 'once' }, { key: 'k-1' }), 201)
    assert.equal(again.comment.id, first.comment.id)
    assert.equal((await page(t.app, siteId, key)).thread.commentCount, 1)
    const other = await mintToken(t.app)
    const theirs = ok(await postComment(t.app, other, { thread: key, site: siteId, body: 'mine' }, { key: 'k-1' }), 201)
    assert.notEqual(theirs.comment.id, first.comment.id, 'keys are per participant')
    // Concurrent retries of one key: one comment.
    const res = await Promise.all(Array.from({ length: 5 }, () => postComment(t.app, token, { thread: key, site: siteId, body: 'race' }, { key: 'k-2' })))
    assert.equal(new Set(res.map(r => ok(r, 201).comment.id)).size, 1)
    assert.equal((await page(t.app, siteId, key)).thread.commentCount, 3)
  })

  test('edit and delete: author only, within the window; edits are marked; deletion leaves a placeholder when replied to', async () => {
    const key = uid('edit')
    const [me, you] = [await mintToken(t.app), await mintToken(t.app)]
    const c = await comment(t.app, me, key, 'typo hree', { site: siteId })
    const edited = ok(await commentWrite(t.app, 'PATCH', `/v1/comments/${c.id}`, me, { body: 'typo here' })).comment
    assert.equal(edited.body, 'typo here')
    assert.ok(edited.editedAt)
    assert.equal(edited.status, 'published')
    assertError(await commentWrite(t.app, 'PATCH', `/v1/comments/${c.id}`, you, { body: 'hijack' }), 403, 'NOT_AUTHOR')
    assertError(await commentWrite(t.app, 'DELETE', `/v1/comments/${c.id}`, you), 403, 'NOT_AUTHOR')
    assertError(await commentWrite(t.app, 'PATCH', `/v1/comments/${c.id}`, me, { body: '   ' }), 422, 'EMPTY')

    const reply = await comment(t.app, you, key, 'I agree', { site: siteId, parentId: c.id })
    const del = ok(await commentWrite(t.app, 'DELETE', `/v1/comments/${c.id}`, me))
    assert.equal(del.comment.status, 'deleted')
    assert.equal(del.comment.body, '')
    assert.equal(del.thread.commentCount, 1)
    ok(await commentWrite(t.app, 'DELETE', `/v1/comments/${c.id}`, me), 200)
    const p = await page(t.app, siteId, key)
    assert.equal(p.comments.length, 1, 'the deleted comment keeps its place')
    assert.deepEqual([p.comments[0].status, p.comments[0].body, p.comments[0].author.name], ['deleted', '', ''])
    assert.equal(p.comments[0].replies[0].id, reply.id)
    const row = await t.db.kysely.selectFrom('comments').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow()
    assert.deepEqual([row.body, row.author_name], ['', ''], 'the text is erased, not just hidden')
    assertError(await commentWrite(t.app, 'PATCH', `/v1/comments/${c.id}`, me, { body: 'back' }), 409, 'NOT_EDITABLE')

    // Deleting the only reply: the placeholder goes too.
    ok(await commentWrite(t.app, 'DELETE', `/v1/comments/${reply.id}`, you))
    assert.deepEqual((await page(t.app, siteId, key)).comments, [])

    const late = await comment(t.app, me, key, 'old news', { site: siteId })
    await ageComment(t.app, late.id, 16)
    assertError(await commentWrite(t.app, 'PATCH', `/v1/comments/${late.id}`, me, { body: 'new' }), 409, 'EDIT_WINDOW_OVER')
    assertError(await commentWrite(t.app, 'DELETE', `/v1/comments/${late.id}`, me), 409, 'EDIT_WINDOW_OVER')
    assert.equal((await page(t.app, siteId, key, me)).comments[0].editableUntil, null)
  })

  test('refusals: honeypot, name, empty, too long, token, origin, unknown site', async () => {
    const key = uid('refuse')
    const token = await mintToken(t.app)
    const base = { thread: key, site: siteId }
    assertError(await postComment(t.app, token, { ...base, body: 'buy now', website: 'http://spam.example' }), 422, 'SPAM')
    assertError(await postComment(t.app, token, { ...base, body: 'x', name: '' }), 422, 'INVALID_NAME')
    assertError(await postComment(t.app, token, { ...base, body: 'x', name: '   ' }), 422, 'INVALID_NAME')
    assertError(await postComment(t.app, token, { ...base, body: 'x', name: 'n'.repeat(61) }), 422, 'INVALID_NAME')
    ok(await postComment(t.app, token, { ...base, body: 'sixty code points', name: '😀'.repeat(60) }), 201)
    assertError(await postComment(t.app, token, { ...base, body: ' \n\t ' }), 422, 'EMPTY')
    const long = assertError(await postComment(t.app, token, { ...base, body: 'x'.repeat(5001) }), 422, 'TOO_LONG')
    assert.deepEqual(long.details, { max: 5000, length: 5001 })
    ok(await postComment(t.app, token, { ...base, body: '😀'.repeat(5000) }), 201) // 20 KB: comments take up to 64 KiB
    assertError(await postComment(t.app, token, { ...base, body: 'x'.repeat(70_000) }), 413, 'PAYLOAD_TOO_LARGE')
    assertError(await postComment(t.app, null, { ...base, body: 'x' }), 401, 'PARTICIPANT_REQUIRED')
    assertError(await postComment(t.app, 'v1.forged.token', { ...base, body: 'x' }), 401, 'PARTICIPANT_INVALID')
    assertError(await postComment(t.app, token, { ...base, body: 'x' }, { origin: 'https://evil.example' }), 403, 'ORIGIN_NOT_ALLOWED')
    assertError(await postComment(t.app, token, { ...base, body: 'x' }, { origin: null }), 403, 'ORIGIN_NOT_ALLOWED')
    assertError(await postComment(t.app, token, { thread: key, site: 'no-such-site', body: 'x' }), 404, 'NOT_FOUND')
    assertError(await postComment(t.app, token, { ...base, body: 'x', extra: 1 }), 400, 'BAD_REQUEST')
    assertError(await postComment(t.app, token, { ...base, thread: 'k'.repeat(501), body: 'x' }), 400, 'BAD_REQUEST')
    assertError(await postComment(t.app, token, { ...base, body: 'nul \u0000' }), 400, 'BAD_REQUEST')
    const p = await page(t.app, siteId, key)
    assert.equal(p.thread.commentCount, 2, 'nothing refused was stored')
  })

  test('the site comes from the Origin when not given; readable 403 for unknown origins', async () => {
    const origin = `https://${uid('own')}.example`
    const site = await createCommentSite(t.app, {}, { origins: [origin] })
    const token = await mintToken(t.app, origin)
    const key = uid('by-origin')
    const c = ok(await postComment(t.app, token, { thread: key, body: 'hi' }, { origin }), 201)
    assert.equal(c.thread.siteId, site.id)
    const read = ok(await listComments(t.app, { thread: key }, undefined, { origin }))
    assert.equal(read.comments[0].id, c.comment.id)
    const refused = await listComments(t.app, { thread: key }, undefined, { origin: 'https://nobody.example' })
    assertError(refused, 403, 'ORIGIN_NOT_ALLOWED')
    assert.equal(refused.headers['access-control-allow-origin'], 'https://nobody.example')
    assertError(await listComments(t.app, { thread: key, site: site.id }, undefined, { origin: ORIGIN }), 403, 'ORIGIN_NOT_ALLOWED')
    // No Origin (same-origin GET): the server's own origin decides; no site lists it here.
    assertError(await listComments(t.app, { thread: key }), 400, 'SITE_REQUIRED')
  })

  test('a site without auto-create: unknown keys are 404 THREAD_NOT_FOUND until staff create the thread', async () => {
    const site = await createCommentSite(t.app, { threadsAutoCreate: false })
    const token = await mintToken(t.app)
    const key = uid('closed-world')
    assertError(await listComments(t.app, { thread: key, site: site.id }), 404, 'THREAD_NOT_FOUND')
    assertError(await postComment(t.app, token, { thread: key, site: site.id, body: 'x' }), 404, 'THREAD_NOT_FOUND')
    ok(await adminReq(t.app, 'PATCH', '/threads', { site: site.id, key }))
    assert.equal((await page(t.app, site.id, key)).thread.exists, true)
    ok(await postComment(t.app, token, { thread: key, site: site.id, body: 'now it works' }), 201)
  })

  test('verified authors: the identity token names them and marks them verified', async () => {
    const secret = 'a-very-secret-identity-key-123'
    const site = await createCommentSite(t.app, {}, { identity: { secret, issuer: 'city' } })
    const sign = (claims: Record<string, unknown>) => new SignJWT({ iss: 'city', ...claims }).setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m').sign(new TextEncoder().encode(secret))
    const token = await mintToken(t.app)
    const key = uid('verified')
    const c = await comment(t.app, token, key, 'as a resident', { site: site.id, name: 'ignored' }, { identity: await sign({ sub: 'r-1', name: 'Rita Resident' }) })
    assert.deepEqual(c.author, { name: 'Rita Resident', verified: true })
    const noName = await comment(t.app, await mintToken(t.app), key, 'no name claim', { site: site.id, name: 'Sam' }, { identity: await sign({ sub: 'r-2' }) })
    assert.deepEqual(noName.author, { name: 'Sam', verified: true })
    assertError(await postComment(t.app, token, { thread: key, site: site.id, body: 'x' }, { identity: 'not.a.jwt' }), 401, 'IDENTITY_INVALID')
    assertError(await postComment(t.app, token, { thread: key, site: siteId, body: 'x' }, { identity: await sign({ sub: 'r-1' }) }), 401, 'IDENTITY_INVALID')
    // The resident edits from another device (new participant) with the same identity.
    const other = await mintToken(t.app)
    const edited = ok(await commentWrite(t.app, 'PATCH', `/v1/comments/${c.id}`, other, { body: 'from my phone' }, { identity: await sign({ sub: 'r-1' }) }))
    assert.equal(edited.comment.body, 'from my phone')
  })

  test('counts for several threads at once', async () => {
    const [k1, k2, k3] = [`https://city.example/a/${uid('c')}`, uid('c'), uid('c')]
    const token = await mintToken(t.app)
    await comment(t.app, token, k1, 'one', { site: siteId })
    await comment(t.app, token, k1, 'two', { site: siteId })
    await comment(t.app, token, k2, 'three', { site: siteId })
    const qs = [`${k1}?ref=home`, k2, k3].map(k => `thread=${encodeURIComponent(k)}`).join('&')
    const res = await t.app.inject({ method: 'GET', url: `/v1/comments/count?${qs}&site=${siteId}` })
    assert.deepEqual(ok(res).counts, { [`${k1}?ref=home`]: 2, [k2]: 1, [k3]: 0 })
    // Revalidated every time: unchanged counts cost a 304, a new comment changes the ETag at once.
    assert.equal(res.headers['cache-control'], 'no-cache')
    const url = `/v1/comments/count?thread=${k2}&site=${siteId}`
    const first = await t.app.inject({ method: 'GET', url })
    assert.deepEqual(ok(first).counts, { [k2]: 1 })
    const etag = first.headers.etag as string
    assert.equal((await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } })).statusCode, 304)
    await comment(t.app, token, k2, 'four', { site: siteId })
    const changed = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } })
    assert.deepEqual(ok(changed).counts, { [k2]: 2 })
    const tooMany = Array.from({ length: 51 }, (_, i) => `thread=k${i}`).join('&')
    assertError(await t.app.inject({ method: 'GET', url: `/v1/comments/count?${tooMany}&site=${siteId}` }), 400, 'BAD_REQUEST')
  })

  test('CORS: comment routes allow PATCH and DELETE preflights; others do not', async () => {
    const pre = (url: string, method: string) => t.app.inject({ method: 'OPTIONS', url, headers: { origin: ORIGIN, 'access-control-request-method': method } })
    const res = await pre('/v1/comments/abc', 'DELETE')
    assert.equal(res.statusCode, 204)
    assert.match(String(res.headers['access-control-allow-methods']), /PATCH/)
    assert.match(String(res.headers['access-control-allow-methods']), /DELETE/)
    assert.doesNotMatch(String((await pre('/v1/polls/x/votes', 'POST')).headers['access-control-allow-methods']), /DELETE/)
  })

  test('the OpenAPI document lists the comment routes', async () => {
    const doc = ok(await t.app.inject({ method: 'GET', url: '/v1/openapi.json' }))
    const expected: Record<string, string[]> = {
      '/v1/comments': ['get', 'post'],
      '/v1/comments/count': ['get'],
      '/v1/comments/live': ['get'],
      '/v1/comments/{id}': ['patch', 'delete'],
      '/v1/comments/{id}/replies': ['get'],
      '/v1/comments/{id}/vote': ['post'],
      '/v1/comments/{id}/report': ['post'],
      '/v1/admin/comments': ['get'],
      '/v1/admin/comments/{id}/approve': ['post'],
      '/v1/admin/comments/{id}/reject': ['post'],
      '/v1/admin/sites/{id}/bans': ['get', 'post'],
      '/v1/admin/threads': ['get', 'patch'],
      '/v1/admin/threads/export.json': ['get'],
      '/v1/admin/threads/export.csv': ['get']
    }
    for (const [path, methods] of Object.entries(expected)) {
      assert.ok(doc.paths[path], `missing ${path}`)
      for (const m of methods) assert.ok(doc.paths[path][m], `missing ${m} ${path}`)
    }
    const list = doc.paths['/v1/comments'].get.responses['200'].content['application/json'].schema
    assert.ok(list.properties.comments.items.properties.replies.items.properties.replies, 'three levels spelled out')
  })
})

import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, test } from 'node:test'
import { forEachDb, ORIGIN } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { adminReq, comment, commentWrite, createCommentSite, mintToken, ok, uid } from './helpers/api.ts'
import { openSse } from './helpers/sse.ts'
import type { SseClient } from './helpers/sse.ts'

forEachDb('live comments (SSE)', env => {
  let t: TestApp
  let base: string
  let siteId: string
  const clients: SseClient[] = []
  const sse = async (query: Record<string, string>, headers: Record<string, string> = {}) => {
    const c = await openSse(`${base}/v1/comments/live?${new URLSearchParams(query)}`, headers)
    clients.push(c)
    return c
  }
  before(async () => {
    t = await env.startApp({ sseHeartbeatMs: 100 })
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
    siteId = (await createCommentSite(t.app, { suspectWords: ['held'] })).id
  })
  after(async () => {
    for (const c of clients) c.close()
    await t.close()
  })

  test('a new published comment arrives as `event: comment` with the thread seq as id', async () => {
    const key = uid('live')
    const c = await sse({ thread: key, site: siteId }, { origin: ORIGIN })
    assert.equal(c.status, 200)
    assert.match(String(c.headers['content-type']), /^text\/event-stream/)
    assert.equal(c.headers['access-control-allow-origin'], ORIGIN)
    const me = await mintToken(t.app)
    const posted = await comment(t.app, me, key, 'live!', { site: siteId, name: 'Lia' })
    const e = await c.waitFor(x => x.event === 'comment')
    assert.equal(e.id, '1')
    assert.equal(e.data.id, posted.id)
    assert.equal(e.data.body, 'live!')
    assert.deepEqual(e.data.author, { name: 'Lia', verified: false })
    assert.equal(e.data.mine, false)
    assert.equal(e.data.editableUntil, null)
    const reply = await comment(t.app, await mintToken(t.app), key, 'a reply', { site: siteId, parentId: posted.id })
    const r = await c.waitFor(x => x.data.id === reply.id)
    assert.deepEqual([r.event, r.id, r.data.parentId], ['comment', '2', posted.id])
    for (let waited = 0; !c.comments.includes('heartbeat'); waited += 50) {
      assert.ok(waited < 3000, 'heartbeats keep proxies from closing the stream')
      await sleep(50)
    }
  })

  test('held comments are not broadcast; approval, edits, deletions and hides are', async () => {
    const key = uid('live-mod')
    const me = await mintToken(t.app)
    const mine = await sse({ thread: key, site: siteId, participant: me })
    const anon = await sse({ thread: key, site: siteId })
    const held = await comment(t.app, me, key, 'this is held', { site: siteId })
    assert.equal(held.status, 'pending')
    await sleep(150)
    assert.equal(anon.events.length, 0)
    ok(await adminReq(t.app, 'POST', `/comments/${held.id}/approve`))
    const approved = await anon.waitFor(x => x.data.id === held.id)
    assert.equal(approved.event, 'comment')
    assert.equal((await mine.waitFor(x => x.data.id === held.id)).data.mine, true, 'the author sees it as theirs')

    ok(await commentWrite(t.app, 'PATCH', `/v1/comments/${held.id}`, me, { body: 'edited text' }))
    const edit = await anon.waitFor(x => x.event === 'update' && x.data.body === 'edited text')
    assert.ok(edit.data.editedAt)
    ok(await adminReq(t.app, 'POST', `/comments/${held.id}/reject`, { reason: 'no' }))
    const hidden = await anon.waitFor(x => x.event === 'update' && x.data.status === 'hidden')
    assert.equal(hidden.data.body, '')
    const authorView = await mine.waitFor(x => x.event === 'update' && x.data.status === 'hidden')
    assert.equal(authorView.data.heldReason, 'removed by a moderator: no')

    const gone = await comment(t.app, me, key, 'to be deleted', { site: siteId })
    await anon.waitFor(x => x.data.id === gone.id)
    ok(await commentWrite(t.app, 'DELETE', `/v1/comments/${gone.id}`, me))
    const del = await anon.waitFor(x => x.data.id === gone.id && x.event === 'update')
    assert.deepEqual([del.data.status, del.data.body], ['deleted', ''])
    const ids = anon.events.map(e => Number(e.id))
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ids only grow')
  })

  test('Last-Event-ID: changes since then are replayed first, in order', async () => {
    const key = uid('resume')
    const me = await mintToken(t.app)
    const a = await comment(t.app, me, key, 'a', { site: siteId })
    const b = await comment(t.app, me, key, 'b', { site: siteId })
    await comment(t.app, me, key, 'c is held', { site: siteId })
    ok(await commentWrite(t.app, 'PATCH', `/v1/comments/${a.id}`, me, { body: 'a, edited' }))
    const d = await comment(t.app, me, key, 'd', { site: siteId })
    // seq: a=1, b=2, held=3, edit a=4, d=5. A reader who saw up to 2 gets the edit of a and d.
    const c = await sse({ thread: key, site: siteId }, { 'last-event-id': '2' })
    const got = [await c.waitFor(x => x.id === '4'), await c.waitFor(x => x.id === '5')]
    assert.deepEqual(got.map(x => [x.event, x.data.id]), [['update', a.id], ['comment', d.id]])
    assert.equal(c.events.some(x => x.data.id === b.id), false)
    const e = await comment(t.app, me, key, 'e', { site: siteId })
    assert.equal((await c.waitFor(x => x.data.id === e.id)).id, '6')
    assert.deepEqual(c.events.map(x => x.id), ['4', '5', '6'])
    const none = await sse({ thread: key, site: siteId })
    await sleep(150)
    assert.equal(none.events.length, 0, 'without Last-Event-ID only new changes are sent')
  })

  test('an unknown thread on a site without auto-create is a JSON 404', async () => {
    const closed = await createCommentSite(t.app, { threadsAutoCreate: false })
    const res = await fetch(`${base}/v1/comments/live?thread=nope&site=${closed.id}`)
    assert.equal(res.status, 404)
    assert.equal((await res.json()).error.code, 'THREAD_NOT_FOUND')
  })
})

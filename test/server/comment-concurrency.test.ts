import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { comment, commentWrite, createCommentSite, mintToken, ok, page, postComment, uid } from './helpers/api.ts'

forEachDb('comments under concurrency', env => {
  let t: TestApp
  before(async () => { t = await env.startApp() })
  after(() => t.close())

  test('simultaneous posts of one author: the rate limit lets exactly one through', async () => {
    const site = await createCommentSite(t.app, { rateLimitSeconds: 30 })
    const key = uid('burst')
    const me = await mintToken(t.app)
    const res = await Promise.all(Array.from({ length: 8 }, (_, i) => postComment(t.app, me, { thread: key, site: site.id, body: `burst ${i}` })))
    assert.deepEqual(res.map(r => r.statusCode).sort(), [201, ...Array(7).fill(429)])
    assert.equal((await page(t.app, site.id, key)).thread.commentCount, 1)
  })

  test('many authors at once on a new thread: one thread, every comment counted, seqs distinct', async () => {
    const site = await createCommentSite(t.app)
    const key = uid('crowd')
    const tokens = await Promise.all(Array.from({ length: 20 }, () => mintToken(t.app)))
    const res = await Promise.all(tokens.map((tok, i) => postComment(t.app, tok, { thread: key, site: site.id, body: `hello ${i}` })))
    for (const r of res) ok(r, 201)
    const p = await page(t.app, site.id, key)
    assert.equal(p.thread.commentCount, 20)
    assert.equal(p.comments.length, 20)
    const seqs = await t.db.kysely.selectFrom('comments').select('seq').where('site_id', '=', site.id).execute()
    assert.equal(new Set(seqs.map(s => Number(s.seq))).size, 20)
  })

  test('replies, reports, edits and votes on one comment at the same time: no deadlock, exact counters', async () => {
    const site = await createCommentSite(t.app, { reportThreshold: 1000 })
    const key = uid('mixed')
    const author = await mintToken(t.app)
    const parent = await comment(t.app, author, key, 'parent', { site: site.id })
    const others = await Promise.all(Array.from({ length: 12 }, () => mintToken(t.app)))
    const work = others.flatMap((tok, i) => [
      postComment(t.app, tok, { thread: key, site: site.id, body: `reply ${i}`, parentId: parent.id }),
      commentWrite(t.app, 'POST', `/v1/comments/${parent.id}/report`, tok, { reason: 'spam' }),
      commentWrite(t.app, 'POST', `/v1/comments/${parent.id}/vote`, tok, { value: i % 3 === 0 ? -1 : 1 })
    ])
    work.push(commentWrite(t.app, 'PATCH', `/v1/comments/${parent.id}`, author, { body: 'parent, edited' }))
    const res = await Promise.all(work)
    for (const r of res) assert.ok(r.statusCode < 300, `${r.statusCode} ${r.body}`)
    const top = (await page(t.app, site.id, key)).comments[0]
    assert.equal(top.replies.length, 12)
    assert.deepEqual([top.up, top.down], [8, 4])
    assert.equal(top.body, 'parent, edited')
    const row = await t.db.kysely.selectFrom('comments').selectAll().where('id', '=', parent.id).executeTakeFirstOrThrow()
    assert.deepEqual([Number(row.published_replies), Number(row.open_reports), Number(row.score)], [12, 12, 4])
  })
})

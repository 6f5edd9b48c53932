import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEMO_THREAD_KEY, seedDemo } from '../../server/seed.ts'
import { forEachDb, testConfig } from './helpers/harness.ts'
import { assertError, comment, mintToken, ok, postComment } from './helpers/api.ts'

forEachDb('demo comments', env => {
  test('the bike-lanes article has a conversation the demo page finds by its canonical URL', async () => {
    const config = testConfig({ port: 8080, demoNgoPort: 8081 })
    const t = await env.startApp(config)
    try {
      assert.equal(await seedDemo(t.db, config), true)
      await t.app.services.origins.refresh()
      const origin = 'http://localhost:8080'
      // The page sends no site: the Origin picks Riverton; a link with a query is the same thread.
      const res = await t.app.inject({ method: 'GET', url: `/v1/comments?thread=${encodeURIComponent(`${DEMO_THREAD_KEY}?utm=x`)}&sort=oldest`, headers: { origin } })
      const p = ok(res)
      assert.deepEqual(p.thread, { key: DEMO_THREAD_KEY, siteId: 'riverton', exists: true, status: 'open', closesAt: null, commentCount: 8, moderation: 'post' })
      assert.equal(p.comments.length, 4)
      const first = p.comments[0]
      assert.equal(first.replies.length, 1)
      const [depth2, flattened] = first.replies[0].replies
      assert.equal(depth2.depth, 2)
      assert.deepEqual(flattened.inReplyTo, { id: depth2.id, name: depth2.author.name })
      assert.equal(flattened.author.verified, true)
      assert.ok(p.comments.some((c: any) => c.body.startsWith('<b>Keep it simple</b>')), 'HTML-looking text stays text')
      const top = ok(await t.app.inject({ method: 'GET', url: `/v1/comments?thread=${encodeURIComponent(DEMO_THREAD_KEY)}&sort=top`, headers: { origin } }))
      assert.equal(top.comments[0].author.name, 'Maria K.')
      // The seeded counters agree with a new reply, and the demo word lists work.
      const token = await mintToken(t.app, origin)
      const reply = await comment(t.app, token, DEMO_THREAD_KEY, 'Count me in.', { parentId: first.id }, { origin })
      assert.equal(reply.status, 'published')
      const again = ok(await t.app.inject({ method: 'GET', url: `/v1/comments?thread=${encodeURIComponent(DEMO_THREAD_KEY)}`, headers: { origin } }))
      assert.equal(again.thread.commentCount, 9)
      assertError(await postComment(t.app, await mintToken(t.app, origin), { thread: DEMO_THREAD_KEY, body: 'you scumbag' }, { origin }), 422, 'BANNED_WORD')
      const held = await comment(t.app, await mintToken(t.app, origin), DEMO_THREAD_KEY, 'a stupid plan', {}, { origin })
      assert.equal(held.status, 'pending')
    } finally {
      await t.close()
    }
  })
})

import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { escapeChat } from '../../server/services/webhooks.ts'
import { forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { adminReq, comment, commentWrite, createCommentSite, mintToken, ok, postComment, uid } from './helpers/api.ts'

interface Receiver {
  url: string
  bodies: any[]
  attempts: number
  /** Resolves with the n-th successfully received body. */
  received (n: number, timeoutMs?: number): Promise<any>
  close (): Promise<void>
}

/** A local incoming-webhook endpoint; the first `failFirst` attempts get a 500, `hangMs` delays every answer. */
async function receiver ({ failFirst = 0, hangMs = 0 } = {}): Promise<Receiver> {
  const bodies: any[] = []
  const waiters: Array<() => void> = []
  let attempts = 0
  const server = http.createServer((req, res) => {
    let data = ''
    req.on('data', c => { data += c })
    req.on('end', () => {
      attempts++
      setTimeout(() => {
        if (attempts <= failFirst) {
          res.writeHead(500).end('nope')
          return
        }
        assert.match(String(req.headers['content-type']), /application\/json/)
        bodies.push(JSON.parse(data))
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
        for (const w of waiters.splice(0)) w()
      }, hangMs)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const r: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/secret-token`,
    bodies,
    get attempts () { return attempts },
    async received (n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      while (bodies.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${bodies.length} webhook bodies after ${timeoutMs} ms`)
        await new Promise<void>(resolve => { waiters.push(resolve); setTimeout(resolve, 50) })
      }
      return bodies[n - 1]
    },
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
  return r
}

/** What Slack, Mattermost and Rocket.Chat incoming webhooks all accept. */
function assertChatShape (m: any): void {
  assert.equal(typeof m.text, 'string')
  assert.ok(Array.isArray(m.attachments) && m.attachments.length === 1)
  const a = m.attachments[0]
  for (const k of ['fallback', 'color', 'title', 'text']) assert.equal(typeof a[k], 'string', k)
  assert.ok(a.fields.length > 0)
  for (const f of a.fields) {
    assert.deepEqual(Object.keys(f).sort(), ['short', 'title', 'value'])
    assert.equal(typeof f.title, 'string')
    assert.equal(typeof f.value, 'string')
    assert.equal(typeof f.short, 'boolean')
  }
}

test('chat text is escaped: no markup, no mass mentions', () => {
  assert.equal(escapeChat('<!channel> & <https://evil.example|click>'), '&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;')
  assert.equal(escapeChat('hey @channel and @Here, mail me@example.org'), 'hey @\u200bchannel and @\u200bHere, mail me@example.org')
})

forEachDb('staff webhooks', env => {
  let t: TestApp
  const receivers: Receiver[] = []
  const hook = async (opts?: Parameters<typeof receiver>[0]) => {
    const r = await receiver(opts)
    receivers.push(r)
    return r
  }
  before(async () => { t = await env.startApp({ webhookRetryMs: 50, webhookTries: 4 }) })
  after(async () => {
    await t.close()
    for (const r of receivers) await r.close()
  })

  test('a held comment is posted to the site webhook in the shared chat shape', async () => {
    const r = await hook()
    const site = await createCommentSite(t.app, { moderation: 'pre', webhookUrl: r.url })
    const key = uid('hook')
    const c = await comment(t.app, await mintToken(t.app), key, '<script>x</script> @channel look', { site: site.id, name: 'Eve' })
    const m = await r.received(1)
    assertChatShape(m)
    assert.match(m.text, /held for review/)
    assert.ok(m.text.includes(key))
    const a = m.attachments[0]
    assert.equal(a.title, 'held for review: comments are reviewed before they appear')
    assert.equal(a.text, '&lt;script&gt;x&lt;/script&gt; @\u200bchannel look')
    assert.deepEqual(a.fields.find((f: any) => f.title === 'Comment').value, c.id)
    assert.deepEqual(a.fields.find((f: any) => f.title === 'Author').value, 'Eve')
    // Published comments do not notify.
    ok(await adminReq(t.app, 'PATCH', '/threads', { site: site.id, key, moderation: 'post' }))
    await comment(t.app, await mintToken(t.app), key, 'published at once', { site: site.id })
    await new Promise(resolve => setTimeout(resolve, 150))
    assert.equal(r.bodies.length, 1)
  })

  test('reports notify, with the reason and details', async () => {
    const r = await hook()
    const site = await createCommentSite(t.app, { webhookUrl: r.url, reportThreshold: 1 })
    const c = await comment(t.app, await mintToken(t.app), uid('rep'), 'reported text', { site: site.id })
    ok(await commentWrite(t.app, 'POST', `/v1/comments/${c.id}/report`, await mintToken(t.app), { reason: 'illegal', details: 'incites <violence>' }), 202)
    const m = await r.received(1)
    assertChatShape(m)
    assert.match(m.text, /reported \(illegal\)/)
    assert.match(m.text, /now hidden/)
    const fields = Object.fromEntries(m.attachments[0].fields.map((f: any) => [f.title, f.value]))
    assert.equal(fields.Reason, 'illegal')
    assert.equal(fields.Details, 'incites &lt;violence&gt;')
    assert.equal(fields['Open reports'], '1 (hidden at 1)')
  })

  test('delivery is retried with backoff after failures', async () => {
    const r = await hook({ failFirst: 2 })
    const site = await createCommentSite(t.app, { moderation: 'pre', webhookUrl: r.url })
    const started = Date.now()
    await comment(t.app, await mintToken(t.app), uid('retry'), 'needs review', { site: site.id })
    await r.received(1)
    assert.equal(r.attempts, 3)
    assert.ok(Date.now() - started >= 50 + 100, 'waited 50 ms, then 100 ms')
  })

  test('failures after the last try are logged, and never reach the resident', async () => {
    const r = await hook({ failFirst: 100 })
    const site = await createCommentSite(t.app, { moderation: 'pre', webhookUrl: r.url })
    const failedBefore = t.app.services.webhooks.stats.failed
    ok(await postComment(t.app, await mintToken(t.app), { thread: uid('fail'), site: site.id, body: 'x' }), 201)
    const deadline = Date.now() + 5000
    while (t.app.services.webhooks.stats.failed === failedBefore) {
      assert.ok(Date.now() < deadline, 'gave up in time')
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    assert.equal(r.attempts, 4)
  })

  test('a slow webhook never delays the resident', async () => {
    const r = await hook({ hangMs: 1500 })
    const site = await createCommentSite(t.app, { moderation: 'pre', webhookUrl: r.url })
    const started = Date.now()
    ok(await postComment(t.app, await mintToken(t.app), { thread: uid('slow'), site: site.id, body: 'x' }), 201)
    assert.ok(Date.now() - started < 1000, `answered in ${Date.now() - started} ms`)
    await r.received(1)
  })
})

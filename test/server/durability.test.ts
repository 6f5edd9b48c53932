import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { forEachDb, ORIGIN, ADMIN_TOKEN } from './helpers/harness.ts'
import { adminResults, countVoteRows, createPoll, createSite, mintToken, ok, vote } from './helpers/api.ts'
import { startChildServer } from './helpers/child-server.ts'

forEachDb('durability', env => {
  test('an acknowledged vote is there after closing and reopening the database', async () => {
    const first = await env.startApp()
    const poll = await createPoll(first.app, (await createSite(first.app)).id)
    const tokens = await Promise.all(Array.from({ length: 25 }, () => mintToken(first.app)))
    const acks = await Promise.all(tokens.map((tok, i) => vote(first.app, poll.id, tok, [i % 2 ? 'yes' : 'no'], { key: `d${i}` })))
    assert.deepEqual([...new Set(acks.map(r => r.statusCode))], [200])
    await first.close()

    const second = await env.startApp({}, first.storage)
    try {
      assert.equal(await countVoteRows(second.app, poll.id), 25)
      const r = await adminResults(second.app, poll.id)
      assert.equal(r.voters, 25)
      assert.deepEqual(r.options.map((o: any) => o.votes), [12, 13, 0])
      // The same token still identifies the same voter after the restart (the key is in the db).
      const replay = ok(await vote(second.app, poll.id, tokens[0]!, ['no'], { key: 'd0' }))
      assert.deepEqual(replay.vote, acks[0]!.json().vote)
    } finally {
      await second.close()
    }
  })

  if (env.kind === 'sqlite') {
    test('SQLite runs in WAL mode with synchronous=FULL', async () => {
      const t = await env.startApp()
      try {
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(t.db.kysely)
        const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(t.db.kysely)
        assert.equal(mode.rows[0]!.journal_mode, 'wal')
        assert.equal(sync.rows[0]!.synchronous, 2)
      } finally {
        await t.close()
      }
    })
  }

  test('a vote acknowledged just before the process is killed (SIGKILL) is kept', async () => {
    const storage = await env.storage()
    const child = await startChildServer({ ...storage.serverEnv, ADMIN_TOKEN })
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }
    try {
      const post = (path: string, body: unknown, h: Record<string, string> = headers) =>
        fetch(`${child.url}${path}`, { method: 'POST', headers: h, body: JSON.stringify(body) })
      assert.equal((await post('/v1/admin/sites', { id: 'kill-site', name: 'K', origins: [ORIGIN] })).status, 201)
      assert.equal((await post('/v1/admin/polls', { id: 'kill-poll', siteId: 'kill-site', question: 'Q', type: 'single', options: ['A', 'B'] })).status, 201)
      const { token } = await (await fetch(`${child.url}/v1/participants`, { method: 'POST', headers: { origin: ORIGIN } })).json()
      const res = await post('/v1/polls/kill-poll/votes', { choices: ['a'] }, { origin: ORIGIN, authorization: `Participant ${token}`, 'content-type': 'application/json' })
      assert.equal(res.status, 200)
      child.proc.kill('SIGKILL')
      assert.equal((await child.exited).signal, 'SIGKILL')
    } finally {
      child.proc.kill('SIGKILL')
    }
    const db = await storage.open()
    try {
      const rows = await db.kysely.selectFrom('votes').selectAll().where('poll_id', '=', 'kill-poll').execute()
      assert.equal(rows.length, 1)
      assert.deepEqual(JSON.parse(rows[0]!.choices), ['a'])
      const tally = await db.kysely.selectFrom('poll_tallies').selectAll().where('poll_id', '=', 'kill-poll').executeTakeFirstOrThrow()
      assert.equal(Number(tally.voters), 1)
    } finally {
      await db.close()
    }
  })
})

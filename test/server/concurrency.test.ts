import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { getPoll } from '../../server/store/polls-repo.ts'
import { listChoices } from '../../server/store/votes-repo.ts'
import { recount } from '../../server/services/tally.ts'
import type { KyselyPlugin } from 'kysely'
import type { Database } from '../../server/store/db.ts'
import { VoteWriter } from '../../server/services/vote-writer.ts'
import { forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { adminResults, countVoteRows, createPoll, createSite, mintToken, uid, vote } from './helpers/api.ts'

forEachDb('concurrency', env => {
  let t: TestApp
  let siteId: string
  before(async () => {
    t = await env.startApp()
    siteId = (await createSite(t.app)).id
  })
  after(() => t.close())

  /** The maintained counters must equal a recount from the vote rows. */
  async function assertCountersExact (pollId: string) {
    const poll = (await getPoll(t.db.kysely, pollId))!
    const fresh = recount(poll, await listChoices(t.db.kysely, pollId))
    const kept = await adminResults(t.app, pollId)
    assert.equal(kept.voters, fresh.voters)
    for (const o of kept.options) {
      assert.deepEqual([o.votes, o.points], fresh.counts[o.id] ?? [0, 0], `option ${o.id}`)
    }
  }

  test('200 concurrent votes from distinct participants are all counted exactly once', async () => {
    const poll = await createPoll(t.app, siteId, { type: 'multiple', maxChoices: 2 })
    const tokens = await Promise.all(Array.from({ length: 200 }, () => mintToken(t.app)))
    const before = { ...t.app.services.writer.stats }
    const choices = (i: number) => (i % 3 === 0 ? ['yes', 'no'] : i % 3 === 1 ? ['maybe'] : ['no'])
    const res = await Promise.all(tokens.map((tok, i) => vote(t.app, poll.id, tok, choices(i), { key: `k${i}` })))
    assert.deepEqual([...new Set(res.map(r => r.statusCode))], [200])
    const r = await adminResults(t.app, poll.id)
    assert.equal(r.voters, 200)
    assert.equal(await countVoteRows(t.app, poll.id), 200)
    const expectYes = tokens.filter((_, i) => i % 3 === 0).length
    assert.equal(r.options.find((o: any) => o.id === 'yes').votes, expectYes)
    assert.equal(r.version, 200, 'one version step per committed vote')
    const txs = t.app.services.writer.stats.transactions - before.transactions
    assert.ok(txs < 100, `group commit: 200 votes took ${txs} transactions`)
    await assertCountersExact(poll.id)
  })

  test('one participant voting 20 times at once (different keys) is counted once', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    const res = await Promise.all(Array.from({ length: 20 }, (_, i) => vote(t.app, poll.id, token, ['yes'], { key: uid(`k${i}`) })))
    const codes = res.map(r => r.statusCode).sort()
    assert.equal(codes.filter(c => c === 200).length, 1, String(codes))
    assert.equal(codes.filter(c => c === 409).length, 19)
    for (const r of res.filter(r => r.statusCode === 409)) assert.equal(r.json().error.code, 'ALREADY_VOTED')
    assert.equal((await adminResults(t.app, poll.id)).voters, 1)
    assert.equal(await countVoteRows(t.app, poll.id), 1)
  })

  test('one participant retrying 20 times at once (same key) gets 20 identical answers, counted once', async () => {
    const poll = await createPoll(t.app, siteId)
    const token = await mintToken(t.app)
    const res = await Promise.all(Array.from({ length: 20 }, () => vote(t.app, poll.id, token, ['no'], { key: 'retry' })))
    assert.deepEqual([...new Set(res.map(r => r.statusCode))], [200])
    assert.equal(new Set(res.map(r => JSON.stringify(r.json().vote))).size, 1)
    assert.equal((await adminResults(t.app, poll.id)).voters, 1)
    assert.equal(await countVoteRows(t.app, poll.id), 1)
  })

  test('concurrent changes by one participant leave exactly one counted vote', async () => {
    const poll = await createPoll(t.app, siteId, { allowChange: true })
    const token = await mintToken(t.app)
    const opts = ['yes', 'no', 'maybe']
    const res = await Promise.all(Array.from({ length: 20 }, (_, i) => vote(t.app, poll.id, token, [opts[i % 3]!], { key: `c${i}` })))
    assert.deepEqual([...new Set(res.map(r => r.statusCode))], [200])
    const r = await adminResults(t.app, poll.id)
    assert.equal(r.voters, 1)
    assert.equal(r.options.reduce((s: number, o: any) => s + o.votes, 0), 1)
    await assertCountersExact(poll.id)
  })

  test('an SQL failure of one vote in a batch fails only that vote', async () => {
    const poll = await createPoll(t.app, siteId)
    // A plugin that makes any INSERT carrying the poisoned voter key fail, like a broken row would.
    const poison: KyselyPlugin = {
      transformQuery (args) {
        if (args.node.kind === 'InsertQueryNode' && JSON.stringify(args.node).includes('p:poison')) throw new Error('poisoned row')
        return args.node
      },
      async transformResult (args) { return args.result }
    }
    const db: Database = { ...t.db, kysely: t.db.kysely.withPlugin(poison) }
    const errors: unknown[] = []
    const writer = new VoteWriter(db, { maxBatch: 100, onCommitted: () => {}, onError: err => errors.push(err) })
    const input = (id: string) => ({ pollId: poll.id, voterKey: `p:${id}`, participantId: id, choices: ['yes'], idempotencyKey: id, verified: false })
    const settled = await Promise.allSettled(['a', 'b', 'poison', 'c', 'd'].map(id => writer.submit(input(id))))
    await writer.close()
    assert.deepEqual(settled.map(s => s.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    assert.equal(errors.length, 1, 'the batch failed once, then each vote ran alone')
    assert.equal(await countVoteRows(t.app, poll.id), 4)
    await assertCountersExact(poll.id)
    await assert.rejects(writer.submit(input('late')), /shutting down/)
  })

  test('votes the writer refuses share batches with valid ones without harm', async () => {
    const poll = await createPoll(t.app, siteId)
    const tokens = await Promise.all(Array.from({ length: 30 }, () => mintToken(t.app)))
    const closed = await createPoll(t.app, siteId)
    await t.app.inject({ method: 'POST', url: `/v1/admin/polls/${closed.id}/close`, headers: { authorization: 'Bearer test-admin-token' } })
    const res = await Promise.all(tokens.map((tok, i) => vote(t.app, i % 2 ? poll.id : closed.id, tok, ['yes'])))
    assert.equal(res.filter(r => r.statusCode === 200).length, 15)
    assert.equal(res.filter(r => r.statusCode === 409).length, 15)
    assert.equal((await adminResults(t.app, poll.id)).voters, 15)
  })
})

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { canSeeResults } from '../../server/services/poll-rules.ts'
import type { Poll } from '../../server/store/polls-repo.ts'
import { admin, forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { createPoll, createSite, mintToken, ok, view, vote } from './helpers/api.ts'

test('visibility rules in one table', () => {
  const poll = (resultsVisibility: Poll['resultsVisibility']) => ({ resultsVisibility }) as Poll
  const cases: Array<[Poll['resultsVisibility'], 'open' | 'closed', boolean, boolean, boolean]> = [
    // rule, status, hasVoted, staff → visible
    ['always', 'open', false, false, true],
    ['after-vote', 'open', false, false, false],
    ['after-vote', 'open', true, false, true],
    ['after-vote', 'closed', false, false, true],
    ['after-close', 'open', true, false, false],
    ['after-close', 'closed', false, false, true],
    ['staff', 'closed', true, false, false],
    ['staff', 'open', false, true, true]
  ]
  for (const [rule, status, hasVoted, staff, visible] of cases) {
    assert.equal(canSeeResults(poll(rule), status, { hasVoted, staff }), visible, `${rule} ${status} voted=${hasVoted} staff=${staff}`)
  }
})

forEachDb('results visibility', env => {
  let t: TestApp
  let siteId: string
  before(async () => {
    t = await env.startApp()
    siteId = (await createSite(t.app)).id
  })
  after(() => t.close())

  const close = (id: string) => t.app.inject({ method: 'POST', url: `/v1/admin/polls/${id}/close`, headers: admin })
  const adminView = async (id: string) => ok(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${id}`, headers: admin }))

  test('always: everyone sees results', async () => {
    const poll = await createPoll(t.app, siteId, { resultsVisibility: 'always' })
    assert.equal((await view(t.app, poll.id)).results.voters, 0)
    ok(await vote(t.app, poll.id, await mintToken(t.app), ['yes']))
    assert.equal((await view(t.app, poll.id)).results.voters, 1)
  })

  test('after-vote: only the voter until the poll closes, then everyone', async () => {
    const poll = await createPoll(t.app, siteId, { resultsVisibility: 'after-vote' })
    const voter = await mintToken(t.app)
    const other = await mintToken(t.app)
    assert.equal((await view(t.app, poll.id, voter)).results, null)
    const answer = ok(await vote(t.app, poll.id, voter, ['no']))
    assert.equal(answer.results.voters, 1, 'the vote answer carries the results')
    assert.equal((await view(t.app, poll.id, voter)).results.voters, 1)
    assert.equal((await view(t.app, poll.id, other)).results, null)
    assert.equal((await view(t.app, poll.id)).results, null)
    assert.equal((await view(t.app, poll.id, 'v1.forged.token')).results, null, 'a bad token on a read is ignored')
    ok(await close(poll.id))
    assert.equal((await view(t.app, poll.id)).results.voters, 1)
  })

  test('after-close: nobody (not even a voter) until closed', async () => {
    const poll = await createPoll(t.app, siteId, { resultsVisibility: 'after-close' })
    const voter = await mintToken(t.app)
    assert.equal(ok(await vote(t.app, poll.id, voter, ['yes'])).results, null)
    assert.equal((await view(t.app, poll.id, voter)).results, null)
    assert.equal((await adminView(poll.id)).results.voters, 1, 'staff always see them')
    ok(await close(poll.id))
    assert.equal((await view(t.app, poll.id)).results.voters, 1)
  })

  test('staff: only the admin API shows results, even after close', async () => {
    const poll = await createPoll(t.app, siteId, { resultsVisibility: 'staff' })
    const voter = await mintToken(t.app)
    assert.equal(ok(await vote(t.app, poll.id, voter, ['maybe'])).results, null)
    ok(await close(poll.id))
    assert.equal((await view(t.app, poll.id, voter)).results, null)
    const r = ok(await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/results`, headers: admin }))
    assert.deepEqual(r.options.map((o: any) => o.votes), [0, 0, 1])
  })
})

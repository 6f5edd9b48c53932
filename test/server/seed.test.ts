import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SignJWT } from 'jose'
import { DEMO_IDENTITY_SECRET, loadConfig } from '../../server/config.ts'
import { DEMO_ISSUER, ensureDemoOrigins, seedDemo } from '../../server/seed.ts'
import { getSite } from '../../server/store/sites-repo.ts'
import { forEachDb, testConfig } from './helpers/harness.ts'
import { adminResults, mintToken, ok, view, vote } from './helpers/api.ts'

test('config defaults: port 8080 on 0.0.0.0, NGO demo on PORT+1, demo on outside production', () => {
  const c = loadConfig({})
  assert.equal(c.port, 8080)
  assert.equal(c.host, '0.0.0.0')
  assert.equal(c.demoNgoPort, 8081)
  assert.equal(c.demo, true)
  assert.equal(c.seed, true)
  assert.deepEqual(c.rateLimit, { ipPerMin: 600, participantPerMin: 30 })
  assert.equal(c.databaseUrl, undefined)
  assert.equal(loadConfig({ NODE_ENV: 'production' }).demo, false)
  assert.equal(loadConfig({ PORT: '9000' }).demoNgoPort, 9001)
  assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2)
  assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1'])
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/)
})

forEachDb('demo seed', env => {
  test('an empty database gets the Riverton site and its five polls, with votes; only once', async () => {
    const config = testConfig({ port: 8080, demoNgoPort: 8081, demoOrigins: ['https://cms.riverton.example'] })
    const t = await env.startApp(config)
    try {
      assert.equal(await seedDemo(t.db, config), true)
      assert.equal(await seedDemo(t.db, config), false, 'a second start does not seed again')
      const site = (await getSite(t.db.kysely, 'riverton'))!
      assert.equal(site.name, 'City of Riverton')
      for (const o of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://localhost:8081', 'http://127.0.0.1:8081', 'https://cms.riverton.example']) {
        assert.ok(site.origins.includes(o), o)
      }
      const bike = await view(t.app, 'bike-lanes')
      assert.equal(bike.type, 'single')
      assert.equal(bike.status, 'open')
      assert.ok(bike.results.voters > 0)
      const park = await view(t.app, 'park-features')
      assert.equal(park.type, 'multiple')
      assert.equal(park.maxChoices, 2)
      assert.equal(park.resultsVisibility, 'after-vote')
      assert.equal((await view(t.app, 'budget-priorities')).type, 'ranked')
      const library = await view(t.app, 'library-hours')
      assert.equal(library.status, 'closed')
      assert.ok(library.results.voters > 0)
      assert.equal((await view(t.app, 'resident-survey')).verifiedOnly, true)
      // The seeded counters agree with the seeded votes.
      assert.equal((await adminResults(t.app, 'budget-priorities')).options.reduce((s: number, o: any) => s + o.votes, 0), 3)

      // The documented demo identity works against the seeded verified-only poll.
      await t.app.services.origins.refresh()
      const jwt = await new SignJWT({ sub: 'demo-resident', iss: DEMO_ISSUER }).setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('5m').sign(new TextEncoder().encode(DEMO_IDENTITY_SECRET))
      const token = await mintToken(t.app, 'http://localhost:8080')
      ok(await vote(t.app, 'resident-survey', token, ['buy'], { identity: jwt, origin: 'http://localhost:8080' }))

      // Started later on other ports, the demo site learns the new origins.
      await ensureDemoOrigins(t.db, testConfig({ port: 9090, demoNgoPort: 9091 }))
      assert.ok((await getSite(t.db.kysely, 'riverton'))!.origins.includes('http://127.0.0.1:9091'))
    } finally {
      await t.close()
    }
  })
})

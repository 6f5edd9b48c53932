import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SignJWT } from 'jose'
import { DEMO_IDENTITY_SECRET, loadConfig } from '../../server/config.ts'
import { DEMO_ISSUER, DEMO_THREAD_KEY, ensureDemoConsultations, ensureDemoOrigins, seedDemo } from '../../server/seed.ts'
import { getSite } from '../../server/store/sites-repo.ts'
import { forEachDb, testConfig } from './helpers/harness.ts'
import { activeConsultation, adminReq, adminResults, assertError, mintToken, ok, readConsultation, respond, view, vote } from './helpers/api.ts'

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

forEachDb('demo consultations', env => {
  test('every type exists; the article card finds bike-lane-feel by section and by path; park-hours is closed with its outcome', async () => {
    const config = testConfig({ port: 8080, demoNgoPort: 8081 })
    const t = await env.startApp(config)
    try {
      assert.equal(await seedDemo(t.db, config), true)
      await t.app.services.origins.refresh()
      const origin = 'http://localhost:8080'
      const list = ok(await adminReq(t.app, 'GET', '/consultations?site=riverton')).consultations
      assert.deepEqual(list.map((c: any) => c.type).sort(), ['choice', 'emoji', 'scale', 'text', 'yes-no'])

      const bike = ok(await readConsultation(t.app, 'bike-lane-feel'))
      assert.equal(bike.type, 'emoji')
      assert.equal(bike.status, 'open')
      assert.equal(bike.followUp, 'Why?')
      assert.deepEqual(bike.areas.map((a: any) => a.label), ['North', 'Centre', 'South', 'Riverside'])
      assert.equal(bike.nextSteps, 'The council decides in March.')
      assert.equal(bike.resultsVisibility, 'after-answer')
      assert.equal(bike.outcome, null, 'the e2e journey publishes it')
      assert.equal(bike.results, null)
      const staffView = ok(await adminReq(t.app, 'GET', '/consultations/bike-lane-feel'))
      assert.deepEqual(staffView.targeting, { sections: ['mobility'], paths: ['/news/'], siteWide: false })
      assert.ok(staffView.results.respondents > 0, 'a few seeded answers')

      // The demo pages: the card with section="mobility" (any page), and the article by its canonical URL.
      const bySection = ok(await activeConsultation(t.app, { page: 'http://localhost:8080/mobility.html', section: 'mobility' }, { origin })).consultation
      assert.equal(bySection.id, 'bike-lane-feel')
      assert.equal(ok(await activeConsultation(t.app, { page: DEMO_THREAD_KEY }, { origin })).consultation.id, 'bike-lane-feel')
      assert.equal(ok(await activeConsultation(t.app, { page: 'http://localhost:8080/news/bike-lanes.html' }, { origin })).consultation.id, 'bike-lane-feel', 'by path on any host')
      assert.equal(ok(await activeConsultation(t.app, { page: 'https://riverton.example/about' }, { origin })).consultation.id, 'centre-safety', 'the site-wide one elsewhere')

      const park = ok(await readConsultation(t.app, 'park-hours'))
      assert.equal(park.type, 'yes-no')
      assert.equal(park.notSure, true)
      assert.equal(park.status, 'closed')
      assert.equal(park.outcome.status, 'decided')
      assert.match(park.outcome.date, /^\d{4}-\d\d-\d\d$/)
      assert.ok(park.results.respondents > 0, 'closed: everyone sees the results')
      assert.equal(park.results.answers.length, 3)

      // The seeded answers agree with what staff see, and a resident can answer the article's card.
      const results = ok(await adminReq(t.app, 'GET', '/consultations/bike-lane-feel/results'))
      assert.equal(results.respondents, staffView.results.respondents)
      assert.ok(results.followUps > 0)
      const token = await mintToken(t.app, origin)
      const answered = ok(await respond(t.app, 'bike-lane-feel', token, { answer: '4', followUp: 'Safer', area: 'centre', page: DEMO_THREAD_KEY, section: 'mobility' }, { origin }))
      assert.equal(answered.results.respondents, results.respondents + 1)
      assertError(await respond(t.app, 'park-hours', token, { answer: 'yes', page: DEMO_THREAD_KEY }, { origin }), 409, 'CONSULTATION_CLOSED')

      // Seeding is idempotent, and a database seeded before consultations existed gets them.
      assert.equal(await ensureDemoConsultations(t.db), 0)
      await t.db.kysely.deleteFrom('consultation_responses').execute()
      await t.db.kysely.deleteFrom('consultations').where('id', 'in', ['one-wish', 'park-hours']).execute()
      assert.equal(await ensureDemoConsultations(t.db), 2)
      assert.equal(await ensureDemoConsultations(t.db), 0)
      assert.equal(ok(await readConsultation(t.app, 'one-wish')).type, 'text')
    } finally {
      await t.close()
    }
  })
})

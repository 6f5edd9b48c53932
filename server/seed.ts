import type { Kysely } from 'kysely'
import type { Config } from './config.ts'
import { getConsultation, insertConsultation, insertResponses } from './store/consultations-repo.ts'
import type { Consultation, ResponseRow } from './store/consultations-repo.ts'
import type { Database } from './store/db.ts'
import type { DB } from './store/schema.ts'
import { getPoll, insertPoll } from './store/polls-repo.ts'
import type { Poll } from './store/polls-repo.ts'
import { DEFAULT_COMMENT_SETTINGS, getSite, insertSite, updateSite } from './store/sites-repo.ts'
import type { CommentRow } from './store/comments-repo.ts'
import { insertVotes, saveTally } from './store/votes-repo.ts'
import { isUniqueViolation } from './store/db.ts'
import { recount } from './services/tally.ts'
import { insertDemoProjects } from './seed-projects.ts'

export { ensureDemoProjects } from './seed-projects.ts'

export const DEMO_SITE_ID = 'riverton'
export const DEMO_ISSUER = 'riverton-demo'
/** The demo article's canonical URL (`<link rel=canonical>` on demo/index.html): its comment thread. */
export const DEMO_THREAD_KEY = 'https://riverton.example/news/bike-lanes'

/** The origins the demo pages are served from (main port and the NGO port), plus DEMO_ORIGINS. */
export function demoOrigins (config: Config): string[] {
  const ports = [config.port, config.demoNgoPort]
  return [...new Set([...ports.flatMap(p => [`http://localhost:${p}`, `http://127.0.0.1:${p}`]), ...config.demoOrigins])]
}

const day = 86_400_000

function demoPolls (now: number): Array<Omit<Poll, 'createdAt' | 'updatedAt' | 'siteId' | 'closedAt' | 'description'> & { description?: string; votes: string[][] }> {
  const iso = (t: number) => new Date(t).toISOString()
  return [
    {
      id: 'bike-lanes',
      question: 'Should Main Street get protected bike lanes?',
      description: 'The council decides in spring. Tell us what you think.',
      type: 'single', maxChoices: null,
      options: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }, { id: 'unsure', label: 'Not sure yet' }],
      opensAt: null, closesAt: iso(now + 30 * day), resultsVisibility: 'always', allowChange: true, verifiedOnly: false,
      votes: [['yes'], ['yes'], ['no'], ['yes'], ['unsure']]
    },
    {
      id: 'park-features',
      question: 'Which two features would you like in Riverside Park?',
      type: 'multiple', maxChoices: 2,
      options: [{ id: 'playground', label: 'Playground' }, { id: 'benches', label: 'More benches' },
        { id: 'lights', label: 'Better lighting' }, { id: 'toilets', label: 'Public toilets' }],
      opensAt: null, closesAt: null, resultsVisibility: 'after-vote', allowChange: false, verifiedOnly: false,
      votes: [['playground', 'lights'], ['toilets'], ['lights', 'benches']]
    },
    {
      id: 'budget-priorities',
      question: 'Rank the budget priorities for next year',
      type: 'ranked', maxChoices: null,
      options: [{ id: 'schools', label: 'Schools' }, { id: 'transit', label: 'Public transit' },
        { id: 'housing', label: 'Affordable housing' }, { id: 'parks', label: 'Parks' }],
      opensAt: null, closesAt: null, resultsVisibility: 'always', allowChange: true, verifiedOnly: false,
      votes: [['housing', 'schools', 'transit', 'parks'], ['schools', 'housing', 'parks', 'transit'], ['transit', 'housing', 'schools', 'parks']]
    },
    {
      id: 'library-hours',
      question: 'Should the central library open on Sundays?',
      type: 'single', maxChoices: null,
      options: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }],
      opensAt: iso(now - 30 * day), closesAt: iso(now - day), resultsVisibility: 'after-close', allowChange: false, verifiedOnly: false,
      votes: [['yes'], ['yes'], ['yes'], ['no']]
    },
    {
      id: 'resident-survey',
      question: 'Residents only: should the city buy the old mill site?',
      description: 'Sign in on the city site to vote (demo identity).',
      type: 'single', maxChoices: null,
      options: [{ id: 'buy', label: 'Buy it' }, { id: 'lease', label: 'Lease it' }, { id: 'leave', label: 'Leave it' }],
      opensAt: null, closesAt: null, resultsVisibility: 'always', allowChange: false, verifiedOnly: true,
      votes: [['buy'], ['lease']]
    }
  ]
}

/**
 * Demo content for an empty database: the "City of Riverton" site and five polls with a few votes.
 * Returns false (and does nothing) when the database already has sites.
 */
export async function seedDemo (db: Database, config: Config): Promise<boolean> {
  const existing = await db.kysely.selectFrom('sites').select('id').limit(1).executeTakeFirst()
  if (existing) return false
  const now = Date.now()
  const at = new Date(now).toISOString()
  try {
    await db.kysely.transaction().execute(async trx => {
      await insertSite(trx, {
        id: DEMO_SITE_ID,
        name: 'City of Riverton',
        origins: demoOrigins(config),
        // Demo-only key (DEMO_IDENTITY_SECRET): it lets the demo page mint "resident" tokens.
        identity: { secret: config.demoIdentitySecret, issuer: DEMO_ISSUER },
        comments: { ...DEFAULT_COMMENT_SETTINGS, suspectWords: ['idiot', 'stupid'], bannedWords: ['scumbag'] },
        createdAt: at,
        updatedAt: at
      })
      for (const { votes, ...p } of demoPolls(now)) {
        const poll: Poll = { ...p, description: p.description ?? null, siteId: DEMO_SITE_ID, closedAt: null, createdAt: at, updatedAt: at }
        await insertPoll(trx, poll)
        await insertVotes(trx, votes.map((choices, i) => ({
          poll_id: poll.id,
          voter_key: poll.verifiedOnly ? `v:seed-resident-${i}` : `p:seed-${i}`,
          participant_id: null,
          choices: JSON.stringify(choices),
          idempotency_key: `seed-${i}`,
          verified: poll.verifiedOnly ? 1 : 0,
          created_at: at,
          updated_at: at
        })))
        await saveTally(trx, recount(poll, votes, votes.length), true)
      }
      const { thread, comments } = demoComments(now)
      await trx.insertInto('comment_threads').values(thread).execute()
      await trx.insertInto('comments').values(comments).execute()
      await insertDemoConsultations(trx, now)
      await insertDemoProjects(trx, now)
    })
  } catch (err) {
    // Another node seeded at the same moment: its content is as good as ours.
    if (isUniqueViolation(err) && await getPoll(db.kysely, 'bike-lanes')) return false
    throw err
  }
  return true
}

interface DemoComment { ref: string; reply?: string; name: string; body: string; ageMin: number; up?: number; down?: number; verified?: boolean }

/** A conversation under the bike-lanes article: top-level comments, replies, one flattened reply. */
function demoComments (now: number) {
  const list: DemoComment[] = [
    { ref: 'a', name: 'Maria K.', body: 'Finally! I cycle down Main Street every day and the parked cars make it a slalom. Protected lanes would make me feel a lot safer.', ageMin: 2 * 24 * 60, up: 14, down: 2 },
    { ref: 'b', reply: 'a', name: 'Tom B.', body: 'Same here. The stretch by the library is the worst part.', ageMin: 47 * 60, up: 5 },
    { ref: 'c', reply: 'b', name: 'Maria K.', body: 'Yes, especially at school pick-up time.', ageMin: 46 * 60, up: 2 },
    { ref: 'd', reply: 'c', name: 'Ahmed R.', body: 'The council report says the library block is in phase one, so that part would come first.', ageMin: 40 * 60, up: 6, verified: true },
    { ref: 'e', name: 'Shop owner on Main', body: 'What about deliveries? Half my suppliers stop in the lane for ten minutes.\nI am not against bikes, I just need a loading zone.', ageMin: 30 * 60, up: 9, down: 1 },
    { ref: 'f', reply: 'e', name: 'Jo', body: 'The plan has loading bays on the side streets, see page 12 of the proposal.', ageMin: 28 * 60, up: 4 },
    { ref: 'g', name: 'Pat', body: 'Will the buses still be able to pull in at the stops?', ageMin: 5 * 60, up: 1 },
    { ref: 'h', name: 'Lena S.', body: '<b>Keep it simple</b> & cheap: paint first, concrete later if it works. (Yes, that was meant to look like HTML; it stays text.)', ageMin: 45, up: 3 }
  ]
  const threadId = 'demo-bike-lanes'
  const at = new Date(now).toISOString()
  const rows = new Map<string, CommentRow>()
  let seq = 0
  for (const c of list) {
    seq++
    const parent = c.reply ? rows.get(c.reply)! : undefined
    const flatten = parent !== undefined && parent.depth === 2
    const id = `demo-${c.ref}`
    const created = new Date(now - c.ageMin * 60_000).toISOString()
    rows.set(c.ref, {
      id,
      thread_id: threadId,
      site_id: DEMO_SITE_ID,
      parent_id: parent ? (flatten ? parent.parent_id : parent.id) : null,
      root_id: parent ? parent.root_id : id,
      depth: parent ? Math.min(2, parent.depth + 1) : 0,
      reply_to_id: flatten ? parent.id : null,
      reply_to_name: flatten ? parent.author_name : null,
      participant_id: null,
      author_key: c.verified ? `v:seed-${c.name}` : `p:seed-${c.name}`,
      author_name: c.name,
      verified: c.verified ? 1 : 0,
      body: c.body,
      status: 'published',
      held_reason: null,
      reject_reason: null,
      up: c.up ?? 0,
      down: c.down ?? 0,
      score: (c.up ?? 0) - (c.down ?? 0),
      published_replies: 0,
      open_reports: 0,
      seq,
      published_seq: seq,
      idempotency_key: null,
      created_at: created,
      edited_at: null,
      updated_at: created
    })
  }
  // Published replies below each comment (its parent and its root count it).
  for (const r of rows.values()) {
    for (const id of new Set([r.parent_id, r.root_id])) {
      if (id !== null && id !== r.id) [...rows.values()].find(x => x.id === id)!.published_replies++
    }
  }
  return {
    thread: {
      id: threadId, site_id: DEMO_SITE_ID, key: DEMO_THREAD_KEY, closes_at: null, closed_at: null, moderation: null,
      comment_count: rows.size, seq, created_at: at, updated_at: at
    },
    comments: [...rows.values()]
  }
}


/** The demo ports may differ from the first start: keep the demo site's allow-list in step. */
export async function ensureDemoOrigins (db: Database, config: Config): Promise<void> {
  const site = await getSite(db.kysely, DEMO_SITE_ID)
  if (!site) return
  const missing = demoOrigins(config).filter(o => !site.origins.includes(o))
  if (missing.length === 0) return
  await updateSite(db.kysely, { ...site, origins: [...site.origins, ...missing], updatedAt: new Date().toISOString() })
}

type DemoConsultation = Partial<Consultation> & Pick<Consultation, 'id' | 'type' | 'question'> & {
  responses: Array<[answer: string, area?: string | null, followUp?: string | null, daysAgo?: number]>
}

/**
 * One consultation of every type. `bike-lane-feel` is the demo article's card (section
 * "mobility", path "/news/"): open, without an outcome (the e2e journey publishes one);
 * `park-hours` is closed, with its outcome published.
 */
function demoConsultations (now: number): DemoConsultation[] {
  const iso = (t: number) => new Date(t).toISOString()
  const date = (t: number) => iso(t).slice(0, 10)
  const areas = [{ id: 'north', label: 'North' }, { id: 'centre', label: 'Centre' }, { id: 'south', label: 'South' }, { id: 'riverside', label: 'Riverside' }]
  return [
    {
      id: 'bike-lane-feel',
      type: 'emoji',
      question: 'How do you feel about protected bike lanes on Main Street?',
      followUp: 'Why?',
      areas,
      targeting: { sections: ['mobility'], paths: ['/news/'], siteWide: false },
      nextSteps: 'The council decides in March.',
      resultsVisibility: 'after-answer',
      opensAt: iso(now - 7 * day),
      responses: [['5', 'centre', 'I cycle to work every day.', 3], ['4', 'north', null, 2], ['2', 'riverside', 'Where will the delivery vans stop?', 2],
        ['5', 'south', null, 1], ['3', null, null, 1], ['4', 'centre', null, 0]]
    },
    {
      id: 'park-hours',
      type: 'yes-no',
      notSure: true,
      question: 'Should Riverside Park stay open until 10 pm in summer?',
      areas,
      targeting: { sections: ['parks'], paths: ['/parks/'], siteWide: false },
      resultsVisibility: 'after-answer',
      opensAt: iso(now - 60 * day),
      closesAt: iso(now - 20 * day),
      outcome: {
        status: 'decided',
        text: 'You said yes: from May to September the park stays open until 10 pm, with extra lighting on the river path.',
        date: date(now - 10 * day),
        link: null,
        updatedAt: iso(now - 10 * day)
      },
      responses: [['yes', 'riverside', null, 50], ['yes', 'centre', null, 45], ['no', 'north', 'Noise at night.', 44], ['yes', null, null, 40], ['not-sure', 'south', null, 30]]
    },
    {
      id: 'centre-safety',
      type: 'scale',
      question: 'I feel safe walking through the city centre at night.',
      scaleLabels: { low: 'Strongly disagree', mid: 'Neither', high: 'Strongly agree' },
      targeting: { sections: [], paths: [], siteWide: true },
      sampling: 4,
      capDays: 14,
      resultsVisibility: 'after-close',
      responses: [['4'], ['2'], ['3']]
    },
    {
      id: 'library-first',
      type: 'choice',
      question: 'What should the central library improve first?',
      options: [{ id: 'hours', label: 'Longer opening hours' }, { id: 'study', label: 'More study places' },
        { id: 'events', label: 'Events for children' }, { id: 'digital', label: 'E-books and digital loans' }],
      targeting: { sections: ['culture'], paths: ['/culture/library/'], siteWide: false },
      resultsVisibility: 'always',
      responses: [['hours'], ['study'], ['hours'], ['digital']]
    },
    {
      id: 'one-wish',
      type: 'text',
      question: 'If you could change one thing in Riverton, what would it be?',
      maxLength: 280,
      targeting: { sections: ['city-hall'], paths: [], siteWide: false },
      resultsVisibility: 'staff',
      responses: [['More trees on Station Road.'], ['A night bus on weekends.']]
    }
  ]
}

function demoConsultationRows (d: DemoConsultation, now: number): { consultation: Consultation; responses: ResponseRow[] } {
  const at = new Date(now).toISOString()
  const { responses, ...c } = d
  const consultation: Consultation = {
    siteId: DEMO_SITE_ID,
    description: null,
    options: [],
    notSure: false,
    scaleLabels: null,
    maxLength: 500,
    followUp: null,
    areas: null,
    targeting: { sections: [], paths: [], siteWide: false },
    sampling: 1,
    capDays: 30,
    opensAt: null,
    closesAt: null,
    closedAt: null,
    resultsVisibility: 'after-answer',
    nextSteps: null,
    outcome: null,
    createdAt: at,
    updatedAt: at,
    ...c
  }
  // Created when it opened (its responses are older than this start).
  if (consultation.opensAt !== null && consultation.opensAt < at) consultation.createdAt = consultation.updatedAt = consultation.opensAt
  const pages = ['https://riverton.example/news/bike-lanes', 'https://riverton.example/mobility/bus-stops']
  return {
    consultation,
    responses: responses.map(([answer, area = null, followUp = null, daysAgo = 0], i) => {
      const t = new Date(now - daysAgo * day - i * 60_000).toISOString()
      return {
        // Hex, like the ids of real responses (staff page cursors carry them).
        id: Buffer.from(`${d.id}:${i}`).toString('hex'),
        consultation_id: d.id,
        participant_id: `seed-${i}`,
        answer,
        follow_up: followUp,
        area,
        page: pages[i % pages.length]!,
        section: null,
        locale: 'en',
        idempotency_key: `seed-${i}`,
        created_at: t,
        updated_at: t
      }
    })
  }
}

async function insertDemoConsultations (db: Kysely<DB>, now: number, only?: (id: string) => boolean): Promise<number> {
  let n = 0
  for (const d of demoConsultations(now)) {
    if (only && !only(d.id)) continue
    const { consultation, responses } = demoConsultationRows(d, now)
    await insertConsultation(db, consultation)
    await insertResponses(db, responses)
    n++
  }
  return n
}

/**
 * A demo database seeded before consultations existed gets them too (only the missing ones: a
 * consultation staff changed is left alone). Nothing happens without the demo site.
 */
export async function ensureDemoConsultations (db: Database): Promise<number> {
  if (!await getSite(db.kysely, DEMO_SITE_ID)) return 0
  const missing: string[] = []
  for (const d of demoConsultations(0)) if (!await getConsultation(db.kysely, d.id)) missing.push(d.id)
  if (missing.length === 0) return 0
  try {
    return await db.kysely.transaction().execute(trx => insertDemoConsultations(trx, Date.now(), id => missing.includes(id)))
  } catch (err) {
    // Another node added them at the same moment.
    if (isUniqueViolation(err)) return 0
    throw err
  }
}

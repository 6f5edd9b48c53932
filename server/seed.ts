import type { Config } from './config.ts'
import type { Database } from './store/db.ts'
import { getPoll, insertPoll } from './store/polls-repo.ts'
import type { Poll } from './store/polls-repo.ts'
import { getSite, insertSite, updateSite } from './store/sites-repo.ts'
import { insertVotes, saveTally } from './store/votes-repo.ts'
import { isUniqueViolation } from './store/db.ts'
import { recount } from './services/tally.ts'

export const DEMO_SITE_ID = 'riverton'
export const DEMO_ISSUER = 'riverton-demo'

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
    })
  } catch (err) {
    // Another node seeded at the same moment: its content is as good as ours.
    if (isUniqueViolation(err) && await getPoll(db.kysely, 'bike-lanes')) return false
    throw err
  }
  return true
}

/** The demo ports may differ from the first start: keep the demo site's allow-list in step. */
export async function ensureDemoOrigins (db: Database, config: Config): Promise<void> {
  const site = await getSite(db.kysely, DEMO_SITE_ID)
  if (!site) return
  const missing = demoOrigins(config).filter(o => !site.origins.includes(o))
  if (missing.length === 0) return
  await updateSite(db.kysely, { ...site, origins: [...site.origins, ...missing], updatedAt: new Date().toISOString() })
}

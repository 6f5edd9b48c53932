import crypto from 'node:crypto'
import type { Kysely } from 'kysely'
import type { PollResults } from '../schemas/polls.ts'
import type { Database } from '../store/db.ts'
import { isUniqueViolation } from '../store/db.ts'
import type { DB } from '../store/schema.ts'
import { getPoll, insertPoll, listPolls, updatePoll } from '../store/polls-repo.ts'
import type { Poll, PollOption, PollType, ResultsVisibility } from '../store/polls-repo.ts'
import { getSite } from '../store/sites-repo.ts'
import { countActivity, getKeptActivity, getTally, hasVotes, listVotesPage, saveTally } from '../store/votes-repo.ts'
import type { Catalog } from './catalog.ts'
import { closeNowIfDatePassed } from './closing.ts'
import { csvRow } from './csv.ts'
import { AppError, notFound } from './errors.ts'
import type { LiveBus } from './live.ts'
import { dailySeries, lastDay, pageBreakdown, TOP_PAGES } from './poll-activity.ts'
import type { PollActivity } from './poll-activity.ts'
import { pollStatus } from './poll-rules.ts'
import type { PollStatus } from './poll-rules.ts'
import { publicFields } from './polls.ts'
import type { ResultsCache } from './results.ts'
import { emptyTally, toResults } from './tally.ts'

export type OptionInput = string | PollOption

export interface PollEdit {
  question?: string
  description?: string | null
  type?: PollType
  options?: OptionInput[]
  maxChoices?: number | null
  opensAt?: string | null
  closesAt?: string | null
  resultsVisibility?: ResultsVisibility
  allowChange?: boolean
  verifiedOnly?: boolean
}

export interface PollCreate extends PollEdit {
  id?: string
  siteId: string
  question: string
  type: PollType
  options: OptionInput[]
}

export interface AdminPollView extends ReturnType<typeof publicFields> {
  status: PollStatus
  closedAt: string | null
  createdAt: string
  updatedAt: string
  results: PollResults
  serverTime: string
}

const invalid = (message: string, details?: unknown) => new AppError(422, 'INVALID_POLL', message, details)

function slugify (label: string): string {
  const s = label.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40)
  return s || 'option'
}

/** Labels become slug ids (deduplicated); explicit ids must be unique. */
export function toOptions (input: OptionInput[]): PollOption[] {
  const used = new Set<string>()
  const explicit = input.flatMap(o => typeof o === 'string' ? [] : [o.id])
  if (new Set(explicit).size !== explicit.length) throw invalid('Option ids must be unique')
  explicit.forEach(id => used.add(id))
  return input.map(o => {
    if (typeof o !== 'string') return { id: o.id, label: o.label.trim() }
    const base = slugify(o)
    let id = base
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`
    used.add(id)
    return { id, label: o.trim() }
  })
}

const iso = (t: string | null | undefined) => (t == null ? null : new Date(t).toISOString())

/** The rules a poll's shape must satisfy, whether created or edited. */
function checkShape (p: Poll): void {
  const n = p.options.length
  if (p.options.some(o => o.label === '')) throw invalid('Option labels must not be blank')
  if (p.type === 'single') p.maxChoices = null
  else if (p.maxChoices !== null && p.maxChoices > n) throw invalid(`maxChoices must be at most the number of options (${n})`)
  if (p.opensAt && p.closesAt && p.opensAt >= p.closesAt) throw invalid('closesAt must be after opensAt')
  if (!p.question.trim()) throw invalid('The question must not be blank')
}

/** Staff operations on polls: create, edit, open/close, results, export. */
export class PollAdminService {
  readonly #db: Database
  readonly #catalog: Catalog
  readonly #results: ResultsCache
  readonly #live: LiveBus

  constructor (db: Database, catalog: Catalog, results: ResultsCache, live: LiveBus) {
    this.#db = db
    this.#catalog = catalog
    this.#results = results
    this.#live = live
  }

  async #view (p: Poll): Promise<AdminPollView> {
    const now = new Date()
    return {
      ...publicFields(p),
      status: pollStatus(p, now),
      closedAt: p.closedAt,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      results: await this.results(p.id, p),
      serverTime: now.toISOString()
    }
  }

  async #load (id: string): Promise<Poll> {
    const p = await getPoll(this.#db.kysely, id)
    if (!p) throw notFound('Poll')
    return p
  }

  async list (siteId?: string): Promise<AdminPollView[]> {
    const polls = await listPolls(this.#db.kysely, siteId)
    return Promise.all(polls.map(p => this.#view(p)))
  }

  async get (id: string): Promise<AdminPollView> {
    return this.#view(await this.#load(id))
  }

  /** Results whatever the visibility rule, straight from the counters. */
  async results (id: string, known?: Poll): Promise<PollResults> {
    const poll = known ?? await this.#load(id)
    return toResults(await getTally(this.#db.kysely, id) ?? emptyTally(id), poll)
  }

  async create (input: PollCreate): Promise<AdminPollView> {
    const site = await getSite(this.#db.kysely, input.siteId)
    if (!site) throw invalid(`Site ${input.siteId} does not exist`)
    const now = new Date().toISOString()
    const poll: Poll = {
      id: input.id ?? crypto.randomBytes(6).toString('hex'),
      siteId: site.id,
      question: input.question.trim(),
      description: input.description ?? null,
      type: input.type,
      maxChoices: input.maxChoices ?? null,
      options: toOptions(input.options),
      opensAt: iso(input.opensAt),
      closesAt: iso(input.closesAt),
      closedAt: null,
      resultsVisibility: input.resultsVisibility ?? 'always',
      allowChange: input.allowChange ?? false,
      verifiedOnly: input.verifiedOnly ?? false,
      createdAt: now,
      updatedAt: now
    }
    checkShape(poll)
    if (poll.verifiedOnly && !site.identity) throw invalid('verifiedOnly needs the site to have an identity provider')
    try {
      await this.#db.kysely.transaction().execute(async trx => {
        await insertPoll(trx, poll)
        await saveTally(trx, emptyTally(poll.id), true)
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError(409, 'ALREADY_EXISTS', `Poll ${poll.id} exists already`)
      throw err
    }
    return this.#view(poll)
  }

  async update (id: string, edit: PollEdit): Promise<AdminPollView> {
    const poll = await this.#db.kysely.transaction().execute(async trx => {
      // The lock orders this edit with vote batches on other nodes (they lock the same row).
      const p = await getPoll(trx, id, this.#db.dialect === 'postgres')
      if (!p) throw notFound('Poll')
      const structural = edit.type !== undefined || edit.options !== undefined || edit.maxChoices !== undefined
      if (structural && await hasVotes(trx, id)) {
        throw new AppError(409, 'POLL_HAS_VOTES', 'Type, options and maxChoices can change only while nobody has voted')
      }
      if (edit.question !== undefined) p.question = edit.question.trim()
      if (edit.description !== undefined) p.description = edit.description
      if (edit.type !== undefined) p.type = edit.type
      if (edit.options !== undefined) p.options = toOptions(edit.options)
      if (edit.maxChoices !== undefined) p.maxChoices = edit.maxChoices
      if (edit.opensAt !== undefined) p.opensAt = iso(edit.opensAt)
      if (edit.closesAt !== undefined) p.closesAt = iso(edit.closesAt)
      closeNowIfDatePassed(p, edit.closesAt)
      if (edit.resultsVisibility !== undefined) p.resultsVisibility = edit.resultsVisibility
      if (edit.allowChange !== undefined) p.allowChange = edit.allowChange
      if (edit.verifiedOnly !== undefined) p.verifiedOnly = edit.verifiedOnly
      checkShape(p)
      if (edit.verifiedOnly && !(await getSite(trx, p.siteId))?.identity) {
        throw invalid('verifiedOnly needs the site to have an identity provider')
      }
      p.updatedAt = new Date().toISOString()
      await assertStillClosed(trx, p)
      await updatePoll(trx, p)
      if (structural) {
        // Nobody voted, so the counters restart empty; the version still moves on for caches.
        const t = await getTally(trx, id)
        await saveTally(trx, { ...emptyTally(id), version: (t?.version ?? 0) + 1 }, t === undefined)
      }
      return p
    })
    return this.#changed(poll)
  }

  /** open: clears a manual close and moves a future opening or a past closing out of the way. */
  async setOpen (id: string, open: boolean): Promise<AdminPollView> {
    const poll = await this.#db.kysely.transaction().execute(async trx => {
      const p = await getPoll(trx, id, this.#db.dialect === 'postgres')
      if (!p) throw notFound('Poll')
      const now = new Date().toISOString()
      if (open) {
        p.closedAt = null
        if (p.opensAt && p.opensAt > now) p.opensAt = now
        if (p.closesAt && p.closesAt <= now) p.closesAt = null
      } else {
        p.closedAt ??= now
      }
      p.updatedAt = now
      await assertStillClosed(trx, p)
      await updatePoll(trx, p)
      return p
    })
    return this.#changed(poll)
  }

  /** Drops caches and tells live readers: a status change can make results visible. */
  async #changed (poll: Poll): Promise<AdminPollView> {
    this.#catalog.invalidatePoll(poll.id)
    this.#results.invalidate(poll.id)
    const view = await this.#view(poll)
    this.#live.publish({ pollId: poll.id, results: view.results, participantIds: [] })
    return view
  }

  /** Every vote of a poll, page by page in key order (never all in memory), with its pseudonym. */
  async * #votes (poll: Poll): AsyncGenerator<ExportedVote> {
    const labels = new Map(poll.options.map(o => [o.id, o.label]))
    let after: string | null = null
    for (;;) {
      const page = await listVotesPage(this.#db.kysely, poll.id, after, 1000)
      for (const v of page) {
        const ids = JSON.parse(v.choices) as string[]
        yield {
          voter: crypto.createHash('sha256').update(`${poll.id}\n${v.voter_key}`).digest('hex').slice(0, 16),
          verified: v.verified === 1,
          choices: ids.map(c => labels.get(c) ?? c),
          choiceIds: ids,
          votedAt: v.created_at,
          updatedAt: v.updated_at,
          page: v.page ?? null
        }
      }
      if (page.length < 1000) return
      after = page[page.length - 1]!.voter_key
    }
  }

  /** One CSV row a vote, streamed page by page. Voters appear pseudonymised (hash of the voter key). */
  async * exportCsv (id: string): AsyncGenerator<string> {
    const poll = await this.#load(id)
    yield '\ufeff' + csvRow(['voter', 'verified', 'choices', 'choice_ids', 'voted_at', 'updated_at', 'page'])
    for await (const v of this.#votes(poll)) {
      yield csvRow([v.voter, v.verified, v.choices.join('; '), v.choiceIds.join(' '), v.votedAt, v.updatedAt, v.page])
    }
  }

  /**
   * The CSV's rows as JSON, with the page each vote came from, streamed: `{"poll":…,"exportedAt":…,"votes":[…]}`.
   * JSON.stringify escapes every value, and no spreadsheet evaluates a JSON file, so no cell needs the CSV's quoting.
   */
  async * exportJson (id: string): AsyncGenerator<string> {
    const poll = await this.#load(id)
    const head = { id: poll.id, question: poll.question, type: poll.type, options: poll.options }
    yield `{"poll":${JSON.stringify(head)},"exportedAt":${JSON.stringify(new Date().toISOString())},"votes":[`
    let first = true
    for await (const v of this.#votes(poll)) {
      yield (first ? '\n' : ',\n') + JSON.stringify(v)
      first = false
    }
    yield '\n]}\n'
  }

  /** Participation for staff: votes per UTC day (by first vote) and per page (latest vote), whatever the visibility. */
  async activity (id: string): Promise<PollActivity> {
    const poll = await this.#load(id)
    const { daily, pages } = await countActivity(this.#db.kysely, id, TOP_PAGES)
    return { voters: pages.votes, ...dailySeries(daily, lastDay(poll, new Date())), ...pageBreakdown(pages) }
  }
}

/** One vote as exported: the voter as a pseudonym (hash of poll and voter key), choices as labels and ids. */
export interface ExportedVote {
  voter: string
  verified: boolean
  choices: string[]
  choiceIds: string[]
  votedAt: string
  updatedAt: string
  page: string | null
}

/** A poll whose votes retention deleted cannot open again: nothing would stop its voters voting twice. */
async function assertStillClosed (db: Kysely<DB>, p: Poll): Promise<void> {
  if (pollStatus(p, new Date()) !== 'closed' && await getKeptActivity(db, p.id)) {
    throw new AppError(409, 'RESPONSES_DELETED', 'Retention deleted this poll\'s votes, so it stays closed; duplicate it to ask again')
  }
}

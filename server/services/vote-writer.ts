import type { Kysely } from 'kysely'
import type { PollResults } from '../schemas/polls.ts'
import { isUniqueViolation } from '../store/db.ts'
import type { Database } from '../store/db.ts'
import type { DB } from '../store/schema.ts'
import { getPoll } from '../store/polls-repo.ts'
import type { Poll } from '../store/polls-repo.ts'
import { findVotes, getTally, insertVotes, replaceVote, saveTally } from '../store/votes-repo.ts'
import type { VoteRow } from '../store/votes-repo.ts'
import { AppError, notFound } from './errors.ts'
import { assertOpen, pollStatus, validateChoices } from './poll-rules.ts'
import { applyChoices, emptyTally, toResults } from './tally.ts'

export interface VoteInput {
  pollId: string
  /** `v:<sub>` or `p:<participantId>`: one vote per key per poll. */
  voterKey: string
  participantId: string
  choices: string[]
  idempotencyKey: string
  verified: boolean
  /** The page voted from (normalised); without one, a changed vote keeps the page it had. */
  page?: string | null
}

export interface VoteOutcome {
  kind: 'created' | 'changed' | 'replayed'
  vote: { choices: string[]; at: string }
  results: PollResults
  poll: Poll
}

export interface Committed { poll: Poll; results: PollResults; participantIds: string[] }

interface Pending {
  input: VoteInput
  resolve (o: VoteOutcome): void
  reject (e: unknown): void
}

type Answer = { outcome: Omit<VoteOutcome, 'results' | 'poll'> } | { error: AppError }
interface BatchResult { answers: Map<Pending, Answer>; committed: Map<string, Committed> }

export interface VoteWriterOptions {
  maxBatch: number
  /** Called after each commit, once per poll that changed. */
  onCommitted (c: Committed): void
  onError (err: unknown, msg: string): void
}

/**
 * Group commit: votes queue up while a transaction is in flight and the next transaction
 * writes all of them, so one fsync acknowledges many votes. Each request resolves only after
 * the transaction holding its vote has committed. Only one transaction runs at a time.
 */
export class VoteWriter {
  readonly #db: Database
  readonly #opts: VoteWriterOptions
  #queue: Pending[] = []
  #inFlight = 0
  #running = false
  #scheduled = false
  #closed = false
  #idle: Array<() => void> = []
  /** Committed transactions and the votes they carried: the batch size shows group commit at work. */
  readonly stats = { transactions: 0, votes: 0 }

  constructor (db: Database, opts: VoteWriterOptions) {
    this.#db = db
    this.#opts = opts
  }

  /** Votes accepted but not yet answered (queued or in the running transaction). */
  get backlog (): number {
    return this.#queue.length + this.#inFlight
  }

  submit (input: VoteInput): Promise<VoteOutcome> {
    if (this.#closed) return Promise.reject(new AppError(503, 'SHUTTING_DOWN', 'The server is shutting down; try again', undefined, { 'retry-after': '1' }))
    return new Promise((resolve, reject) => {
      this.#queue.push({ input, resolve, reject })
      if (!this.#running && !this.#scheduled) {
        this.#scheduled = true
        // setImmediate lets the votes parsed in this event-loop turn join the same batch.
        setImmediate(() => { void this.#run() })
      }
    })
  }

  /** Refuses new votes and resolves once every queued vote is written. */
  async close (): Promise<void> {
    this.#closed = true
    if (!this.#running && !this.#scheduled && this.#queue.length === 0) return
    await new Promise<void>(resolve => this.#idle.push(resolve))
  }

  async #run (): Promise<void> {
    this.#scheduled = false
    this.#running = true
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#opts.maxBatch)
        this.#inFlight = batch.length
        await this.#flush(batch)
      }
    } finally {
      this.#inFlight = 0
      this.#running = false
      for (const done of this.#idle.splice(0)) done()
    }
  }

  async #flush (batch: Pending[]): Promise<void> {
    let done: BatchResult
    try {
      done = await this.#transaction(batch)
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err)
      // Isolate the failure: each vote in its own transaction, so only the bad one fails.
      this.#opts.onError(err, `vote batch of ${batch.length} failed; retrying one by one`)
      for (const p of batch) await this.#flush([p])
      return
    }
    // Outside the try: once committed, a batch must never be applied a second time.
    this.stats.transactions++
    this.stats.votes += batch.length
    this.#deliver(batch, done.answers, done.committed)
  }

  #deliver (batch: Pending[], answers: Map<Pending, Answer>, committed: Map<string, Committed>): void {
    for (const c of committed.values()) {
      if (c.participantIds.length > 0) {
        try { this.#opts.onCommitted(c) } catch (err) { this.#opts.onError(err, 'onCommitted failed') }
      }
    }
    for (const p of batch) {
      const a = answers.get(p)!
      if ('error' in a) p.reject(a.error)
      else {
        const c = committed.get(p.input.pollId)!
        p.resolve({ ...a.outcome, results: c.results, poll: c.poll })
      }
    }
  }

  /** Retries the rare write conflict (another node changed the same vote) a few times. */
  async #transaction (batch: Pending[]): Promise<BatchResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.kysely.transaction().execute(trx => this.#apply(trx, batch))
      } catch (err) {
        if (!(err instanceof WriteConflict || isUniqueViolation(err)) || attempt >= 3) throw err
      }
    }
  }

  async #apply (trx: Kysely<DB>, batch: Pending[]): Promise<BatchResult> {
    const answers = new Map<Pending, Answer>()
    const committed = new Map<string, Committed>()
    const now = new Date()
    const at = now.toISOString()
    const byPoll = new Map<string, Pending[]>()
    for (const p of batch) {
      const group = byPoll.get(p.input.pollId)
      if (group) group.push(p)
      else byPoll.set(p.input.pollId, [p])
    }

    for (const [pollId, group] of byPoll) {
      // Locking the poll row serialises writers of this poll across nodes (PostgreSQL),
      // which makes the reads below authoritative for this transaction.
      const poll = await getPoll(trx, pollId, this.#db.dialect === 'postgres')
      if (!poll) {
        for (const p of group) answers.set(p, { error: notFound('Poll') })
        continue
      }
      const stored = await getTally(trx, pollId)
      const tally = stored ?? emptyTally(pollId)
      const keys = [...new Set(group.map(p => p.input.voterKey))]
      const current = new Map((await findVotes(trx, pollId, keys)).map(r => [r.voter_key, r]))
      const inserts = new Map<string, VoteRow>()
      const updates = new Map<string, { row: VoteRow; previousKey: string }>()
      const participantIds: string[] = []
      const status = pollStatus(poll, now)

      for (const p of group) {
        const v = p.input
        const cur = current.get(v.voterKey)
        if (cur && cur.idempotency_key === v.idempotencyKey) {
          answers.set(p, { outcome: { kind: 'replayed', vote: voteOf(cur) } })
          continue
        }
        try {
          assertOpen(status)
          validateChoices(poll, v.choices)
          if (cur && !poll.allowChange) throw new AppError(409, 'ALREADY_VOTED', 'You have already voted in this poll')
        } catch (err) {
          answers.set(p, { error: err as AppError })
          continue
        }
        const row: VoteRow = {
          poll_id: pollId,
          voter_key: v.voterKey,
          participant_id: v.participantId,
          choices: JSON.stringify(v.choices),
          idempotency_key: v.idempotencyKey,
          verified: v.verified ? 1 : 0,
          page: v.page ?? cur?.page ?? null,
          created_at: cur?.created_at ?? at,
          updated_at: at
        }
        if (cur) applyChoices(tally, poll, JSON.parse(cur.choices), -1)
        applyChoices(tally, poll, v.choices, 1)
        tally.version++
        if (!cur || inserts.has(v.voterKey)) inserts.set(v.voterKey, row)
        else updates.set(v.voterKey, { row, previousKey: updates.get(v.voterKey)?.previousKey ?? cur.idempotency_key })
        current.set(v.voterKey, row)
        participantIds.push(v.participantId)
        answers.set(p, { outcome: { kind: cur ? 'changed' : 'created', vote: voteOf(row) } })
      }

      // The primary key on (poll_id, voter_key) is the final word: a duplicate fails the insert.
      if (inserts.size > 0) await insertVotes(trx, [...inserts.values()])
      for (const { row, previousKey } of updates.values()) {
        if (!await replaceVote(trx, row, previousKey)) throw new WriteConflict()
      }
      if (participantIds.length > 0) await saveTally(trx, tally, stored === undefined)
      committed.set(pollId, { poll, results: toResults(tally, poll), participantIds })
    }
    return { answers, committed }
  }
}

class WriteConflict extends Error {}

function voteOf (r: VoteRow): { choices: string[]; at: string } {
  return { choices: JSON.parse(r.choices), at: r.updated_at }
}

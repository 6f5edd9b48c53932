import type { PollResults } from '../schemas/polls.ts'
import type { Database } from '../store/db.ts'
import type { Poll } from '../store/polls-repo.ts'
import { getTally } from '../store/votes-repo.ts'
import { emptyTally, toResults } from './tally.ts'
import { TtlMap } from './ttl-map.ts'

/**
 * Current results per poll, read from the maintained counters. The vote writer offers every
 * committed state, so this node's cache is exact after its own writes; `ttlMs` bounds how long
 * another node's writes can go unseen.
 */
export class ResultsCache {
  readonly #db: Database
  readonly #cache: TtlMap<PollResults>

  constructor (db: Database, ttlMs = 1000) {
    this.#db = db
    this.#cache = new TtlMap(ttlMs)
  }

  async get (poll: Poll): Promise<PollResults> {
    const hit = this.#cache.get(poll.id)
    if (hit) return hit
    const tally = await getTally(this.#db.kysely, poll.id) ?? emptyTally(poll.id)
    this.offer(poll.id, toResults(tally, poll))
    return this.#cache.peek(poll.id)!
  }

  /** Keeps the newest version (a slow read must not overwrite a newer commit). */
  offer (pollId: string, results: PollResults): void {
    const old = this.#cache.peek(pollId)
    this.#cache.set(pollId, old && old.version > results.version ? old : results)
  }

  invalidate (pollId: string): void {
    this.#cache.delete(pollId)
  }
}

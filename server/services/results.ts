import type { PollResults } from '../schemas/polls.ts'
import type { Database } from '../store/db.ts'
import type { Poll } from '../store/polls-repo.ts'
import { getTally } from '../store/votes-repo.ts'
import { emptyTally, toResults } from './tally.ts'

/**
 * Current results per poll, read from the maintained counters. The vote writer offers every
 * committed state, so this node's cache is exact after its own writes; `ttlMs` bounds how long
 * another node's writes can go unseen.
 */
export class ResultsCache {
  readonly #db: Database
  readonly #ttlMs: number
  readonly #cache = new Map<string, { results: PollResults; at: number }>()

  constructor (db: Database, ttlMs = 1000) {
    this.#db = db
    this.#ttlMs = ttlMs
  }

  async get (poll: Poll): Promise<PollResults> {
    const hit = this.#cache.get(poll.id)
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.results
    const tally = await getTally(this.#db.kysely, poll.id) ?? emptyTally(poll.id)
    const results = toResults(tally, poll)
    this.offer(poll.id, results)
    return this.#cache.get(poll.id)!.results
  }

  /** Keeps the newest version (a slow read must not overwrite a newer commit). */
  offer (pollId: string, results: PollResults): void {
    const hit = this.#cache.get(pollId)
    if (hit && hit.results.version > results.version) {
      hit.at = Date.now()
      return
    }
    this.#cache.set(pollId, { results, at: Date.now() })
  }

  invalidate (pollId: string): void {
    this.#cache.delete(pollId)
  }
}

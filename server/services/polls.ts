import type { PollResults, PollView } from '../schemas/polls.ts'
import type { Database } from '../store/db.ts'
import type { Poll } from '../store/polls-repo.ts'
import { findMyVote } from '../store/votes-repo.ts'
import type { Catalog, PollEntry } from './catalog.ts'
import { pageKey, parsePage } from './consultation-rules.ts'
import { AppError, notFound } from './errors.ts'
import type { IdentityVerifier } from './identity.ts'
import type { LiveBus } from './live.ts'
import type { OriginPolicy } from './origins.ts'
import type { ParticipantTokens } from './participants.ts'
import { canSeeResults, pollStatus, validateChoices } from './poll-rules.ts'
import { enforce } from './rate-limit.ts'
import type { RateLimiter } from './rate-limit.ts'
import type { ResultsCache } from './results.ts'
import type { VoteWriter } from './vote-writer.ts'

/** What a public write carries besides its body; the route reads it from the request. */
/** Where a public read comes from, for the origin allow-list. */
export interface ReadContext {
  origin: string | undefined
  /** `scheme://host` of this server as the client addressed it. */
  selfOrigin: string
}

export interface WriteContext extends ReadContext {
  participantToken: string | undefined
  identityToken: string | undefined
  idempotencyKey: string | undefined
}

export interface PollsDeps {
  db: Database
  catalog: Catalog
  results: ResultsCache
  tokens: ParticipantTokens
  identity: IdentityVerifier
  origins: OriginPolicy
  writer: VoteWriter
  live: LiveBus
  participantLimiter: RateLimiter
}

export interface LiveSubscription {
  /** Re-evaluates visibility (a poll may have closed by the clock) and sends what became visible. */
  recheck (): Promise<void>
  close (): void
}

/** The public side of polls: reading, voting, live results. */
export class PollService {
  readonly #d: PollsDeps

  constructor (deps: PollsDeps) {
    this.#d = deps
  }

  async #entry (id: string): Promise<PollEntry> {
    const e = await this.#d.catalog.poll(id)
    if (!e) throw notFound('Poll')
    return e
  }

  /** Reads ignore a bad token (the widget mints a new one on its next write). */
  #participant (token: string | undefined): string | null {
    return token ? this.#d.tokens.verify(token) : null
  }

  async #myVote (poll: Poll, participantId: string | null) {
    if (!participantId) return null
    const row = await findMyVote(this.#d.db.kysely, poll.id, participantId, poll.verifiedOnly)
    return row ? { choices: JSON.parse(row.choices) as string[], at: row.updated_at } : null
  }

  async view (pollId: string, participantToken: string | undefined, from: ReadContext): Promise<PollView> {
    const { poll, site } = await this.#entry(pollId)
    this.#d.origins.assertRead(from.origin, site.origins, from.selfOrigin)
    const now = new Date()
    const status = pollStatus(poll, now)
    const myVote = await this.#myVote(poll, this.#participant(participantToken))
    const visible = canSeeResults(poll, status, { staff: false, hasVoted: myVote !== null })
    return {
      ...publicFields(poll),
      status,
      results: visible ? await this.#d.results.get(poll) : null,
      myVote,
      serverTime: now.toISOString()
    }
  }

  /** `page`: the page voted from, kept (without query and fragment) for the staff's breakdown by page. */
  async vote (pollId: string, choices: string[], ctx: WriteContext, page?: string): Promise<{ vote: { choices: string[]; at: string }; results: PollResults | null }> {
    const { poll, site } = await this.#entry(pollId)
    this.#d.origins.assertWrite(ctx.origin, site.origins, ctx.selfOrigin)
    const votePage = page === undefined ? null : storedPage(page)
    if (!ctx.participantToken) throw new AppError(401, 'PARTICIPANT_REQUIRED', 'A participant token is required (POST /v1/participants)')
    const participantId = this.#d.tokens.verifyFrom(ctx.participantToken, ctx.origin)
    if (!participantId) throw new AppError(401, 'PARTICIPANT_INVALID', 'The participant token is not valid')
    await enforce(this.#d.participantLimiter, participantId)

    let voterKey = `p:${participantId}`
    if (poll.verifiedOnly) {
      if (!ctx.identityToken) throw new AppError(401, 'IDENTITY_REQUIRED', 'This poll is for verified residents: sign in on the site first')
      if (!site.identity) throw new AppError(401, 'IDENTITY_INVALID', 'This site has no identity provider configured')
      voterKey = `v:${(await this.#d.identity.verify(ctx.identityToken, site.identity)).sub}`
    }
    // Fail fast on the cached poll; the writer checks again against the row it locks.
    validateChoices(poll, choices)

    const outcome = await this.#d.writer.submit({
      pollId,
      voterKey,
      participantId,
      choices,
      // Without a key every request is distinct: no replay, but never a double count either.
      idempotencyKey: ctx.idempotencyKey ?? `auto:${crypto.randomUUID()}`,
      verified: poll.verifiedOnly,
      page: votePage
    })
    const status = pollStatus(outcome.poll, new Date())
    return {
      vote: outcome.vote,
      results: canSeeResults(outcome.poll, status, { staff: false, hasVoted: true }) ? outcome.results : null
    }
  }

  /**
   * Live results for one reader. `send` gets every version newer than `lastEventId` that this
   * reader may see; results hidden from the reader are never sent.
   */
  async subscribe (pollId: string, participantToken: string | undefined, lastEventId: number | undefined,
    send: (r: PollResults) => void, from: ReadContext): Promise<LiveSubscription> {
    const { poll, site } = await this.#entry(pollId)
    this.#d.origins.assertRead(from.origin, site.origins, from.selfOrigin)
    const participantId = this.#participant(participantToken)
    let hasVoted = (await this.#myVote(poll, participantId)) !== null
    let lastSent = lastEventId ?? -1

    const deliver = async (r: PollResults | null) => {
      const entry = await this.#d.catalog.poll(pollId)
      if (!entry) return
      if (!canSeeResults(entry.poll, pollStatus(entry.poll, new Date()), { staff: false, hasVoted })) return
      r ??= await this.#d.results.get(entry.poll)
      if (r.version > lastSent) {
        lastSent = r.version
        send(r)
      }
    }
    const unsubscribe = this.#d.live.subscribe(pollId, e => {
      if (participantId && e.participantIds.includes(participantId)) hasVoted = true
      deliver(e.results).catch(() => {})
    })
    await deliver(null)
    return { recheck: () => deliver(null), close: unsubscribe }
  }
}

/** Longest page URL kept, after normalisation (percent-encoding can lengthen what was sent). */
const MAX_PAGE = 2000

/** The page as votes store it, the way consultation answers do: absolute http(s), no query or fragment. */
function storedPage (page: string): string {
  const key = pageKey(parsePage(page))
  if (key.length > MAX_PAGE) throw new AppError(400, 'BAD_REQUEST', `\`page\` must be at most ${MAX_PAGE} characters`)
  return key
}

export function publicFields (p: Poll) {
  return {
    id: p.id,
    siteId: p.siteId,
    question: p.question,
    description: p.description,
    type: p.type,
    maxChoices: p.maxChoices,
    options: p.options,
    opensAt: p.opensAt,
    closesAt: p.closesAt,
    resultsVisibility: p.resultsVisibility,
    allowChange: p.allowChange,
    verifiedOnly: p.verifiedOnly
  }
}

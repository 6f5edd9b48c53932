import crypto from 'node:crypto'
import zlib from 'node:zlib'
import { sql } from 'kysely'
import type { MapView, SubmissionBody } from '../schemas/projects.ts'
import type { Database } from '../store/db.ts'
import { isUniqueViolation } from '../store/db.ts'
import {
  countSubmissionsSince, DEFAULT_MAP_SETTINGS, findByIdempotencyKey, getFeedVersion, getMapRow, getProject, insertProject, listPublicRows
} from '../store/projects-repo.ts'
import type { Bounds, MapSettings, Project, ProjectCursor, ProjectReview, PublicRow } from '../store/projects-repo.ts'
import type { Site } from '../store/sites-repo.ts'
import type { Catalog } from './catalog.ts'
import { AppError, notFound } from './errors.ts'
import type { OriginPolicy } from './origins.ts'
import type { ParticipantTokens } from './participants.ts'
import type { ReadContext, WriteContext } from './polls.ts'
import {
  assertInBounds, boundsOverlap, checkCategory, checkDates, checkEmail, checkGeometry, checkText, geometryBounds, isUnfiltered,
  MAX_ADDRESS, MAX_DESCRIPTION, MAX_TITLE, optionalText, parseFilter
} from './project-rules.ts'
import type { FeedFilter } from './project-rules.ts'
import { enforce } from './rate-limit.ts'
import type { RateLimiter } from './rate-limit.ts'
import { siteOfRequest } from './request-site.ts'
import { TtlMap } from './ttl-map.ts'
import { escapeChat } from './webhooks.ts'
import type { Webhooks } from './webhooks.ts'

const DAY_MS = 86_400_000

/** One feature of the feed, serialised once, with what the filters need. */
interface FeedItem {
  /** `,{"type":"Feature",…}` in UTF-8: a filtered feed is a copy of bytes, not a new string. */
  bytes: Buffer
  bbox: Bounds
  category: string
  status: string
  start: string
  end: string
  /** Title and address, lower-cased, for `q`. */
  text: string
}

interface BuiltFeed {
  version: number
  etag: string
  items: FeedItem[]
  body: Buffer
  /** The whole feed gzipped, made once in the background (zlib's thread pool) after the first build. */
  gzip: Buffer | null
}

export interface FeedResult {
  etag: string
  /** null: the client's copy is current (304). */
  body: Buffer | null
  /** The body is gzip-encoded. */
  gzip: boolean
}

/** Rows read per query when building a feed; the event loop gets a turn between pages. */
const BUILD_PAGE = 2000

const feedEtag = (siteId: string, version: number) => `W/"${siteId}.${version}"`

function feedItem (r: PublicRow): FeedItem {
  const properties = { title: r.title, category: r.category, status: r.status, start: r.start_date, end: r.end_date, address: r.address }
  // The geometry column holds JSON we wrote ourselves (checked, normalised): no need to parse and re-serialise it.
  return {
    bytes: Buffer.from(`,{"type":"Feature","id":${JSON.stringify(r.id)},"geometry":${r.geometry},"properties":${JSON.stringify(properties)}}`),
    bbox: geometryBounds(JSON.parse(r.geometry)),
    category: r.category,
    status: r.status,
    start: r.start_date,
    end: r.end_date ?? r.start_date,
    text: `${r.title}\n${r.address ?? ''}`.toLowerCase()
  }
}

const HEAD = Buffer.from('{"type":"FeatureCollection","features":[')
const TAIL = Buffer.from(']}')

/** One copy into a buffer of the right size (each item's leading comma is skipped for the first). */
function collection (items: FeedItem[]): Buffer {
  let size = HEAD.length + TAIL.length
  for (const i of items) size += i.bytes.length
  if (items.length > 0) size -= 1
  const out = Buffer.allocUnsafe(size)
  let at = HEAD.copy(out, 0)
  items.forEach((i, n) => { at += i.bytes.copy(out, at, n === 0 ? 1 : 0) })
  TAIL.copy(out, at)
  return out
}

function matches (i: FeedItem, f: FeedFilter): boolean {
  return (f.bbox === null || boundsOverlap(i.bbox, f.bbox)) &&
    (f.categories === null || f.categories.has(i.category)) &&
    (f.statuses === null || f.statuses.has(i.status)) &&
    // Overlap: start <= to && (end ?? start) >= from.
    (f.to === null || i.start <= f.to) &&
    (f.from === null || i.end >= f.from) &&
    (f.q === null || i.text.includes(f.q))
}

/**
 * The public feed of each site, serialised once per version of its approved projects. Every change
 * that may alter them bumps the version in its transaction; each node re-reads the version at most
 * once per `versionTtlMs` (local changes at once), so another node's change shows within that time.
 */
export class ProjectFeed {
  readonly #db: Database
  readonly #versions: TtlMap<number>
  readonly #built = new Map<string, BuiltFeed>()
  readonly #building = new Map<string, Promise<BuiltFeed>>()

  constructor (db: Database, versionTtlMs = 1000) {
    this.#db = db
    this.#versions = new TtlMap(versionTtlMs)
  }

  async version (siteId: string): Promise<number> {
    const hit = this.#versions.get(siteId)
    if (hit !== undefined) return hit
    const v = await getFeedVersion(this.#db.kysely, siteId)
    this.#versions.set(siteId, v)
    return v
  }

  etag (siteId: string, version: number): string {
    return feedEtag(siteId, version)
  }

  /**
   * The feed at `version` (or newer). Concurrent requests share one build; a request that finds a
   * build of an older version in flight waits for it, then builds again.
   */
  async get (siteId: string, version: number): Promise<BuiltFeed> {
    for (;;) {
      const have = this.#built.get(siteId)
      if (have && have.version >= version) return have
      const pending = this.#building.get(siteId)
      if (pending) {
        const b = await pending
        if (b.version >= version) return b
        continue
      }
      // The version is read again from the database: at least the one asked for.
      const build = this.#build(siteId).finally(() => this.#building.delete(siteId))
      this.#building.set(siteId, build)
      return build
    }
  }

  /**
   * Reads page by page (100,000 projects would otherwise hold the event loop for seconds). The
   * version is read first: a change during the build makes the body newer than its ETag says, and
   * the next request, seeing the newer version, builds again; a body never claims a newer version
   * than it holds.
   */
  async #build (siteId: string): Promise<BuiltFeed> {
    const version = await getFeedVersion(this.#db.kysely, siteId)
    const items: FeedItem[] = []
    let after: ProjectCursor | null = null
    for (;;) {
      const page = await listPublicRows(this.#db.kysely, siteId, after, BUILD_PAGE)
      for (const r of page) items.push(feedItem(r))
      if (page.length < BUILD_PAGE) break
      const last = page[page.length - 1]!
      after = { createdAt: last.created_at, id: last.id }
      await new Promise(resolve => setImmediate(resolve))
    }
    const built: BuiltFeed = { version, etag: feedEtag(siteId, version), items, body: collection(items), gzip: null }
    const prev = this.#built.get(siteId)
    if (!prev || prev.version <= version) this.#built.set(siteId, built)
    zlib.gzip(built.body, (err, zipped) => { if (!err) built.gzip = zipped })
    return built
  }

  /** After a local change to a site's public projects. */
  changed (siteId: string): void {
    this.#versions.delete(siteId)
  }

  filter (feed: BuiltFeed, f: FeedFilter): Buffer {
    return collection(feed.items.filter(i => matches(i, f)))
  }
}

export interface ProjectsDeps {
  db: Database
  catalog: Catalog
  tokens: ParticipantTokens
  origins: OriginPolicy
  webhooks: Webhooks
  feed: ProjectFeed
  /** Shared with votes (RATE_LIMIT_PARTICIPANT_PER_MIN). */
  participantLimiter: RateLimiter
}

export interface FeedQuery { site?: string; bbox?: string; category?: string; status?: string; from?: string; to?: string; q?: string }

/** A project as the public sees it: no review state, no submitter. */
export function publicFeature (p: Project) {
  return {
    type: 'Feature' as const,
    id: p.id,
    geometry: p.geometry,
    properties: {
      title: p.title,
      category: p.category,
      status: p.status,
      start: p.start,
      end: p.end,
      address: p.address,
      description: p.description,
      contact: p.contact,
      link: p.link,
      updatedAt: p.updatedAt
    }
  }
}

export const newProjectId = () => `p-${crypto.randomBytes(6).toString('hex')}`

/** The public side of the project map: settings, the feed, one project, residents' suggestions. */
export class ProjectService {
  readonly #d: ProjectsDeps

  constructor (deps: ProjectsDeps) {
    this.#d = deps
  }

  get #kysely () { return this.#d.db.kysely }

  async #settings (siteId: string): Promise<MapSettings> {
    return (await getMapRow(this.#kysely, siteId))?.settings ?? { ...DEFAULT_MAP_SETTINGS }
  }

  async map (siteId: string | undefined, from: ReadContext): Promise<MapView> {
    const site = await siteOfRequest(this.#d.catalog, this.#d.origins, siteId, from, false)
    const s = await this.#settings(site.id)
    return {
      site: site.id,
      bounds: s.bounds,
      center: s.center,
      zoom: s.zoom,
      categories: s.categories,
      submissions: s.submissions,
      comments: s.comments,
      style: s.style ?? `${from.selfOrigin}/v1/map/style.json?site=${encodeURIComponent(site.id)}`
    }
  }

  /**
   * The approved projects of a site as GeoJSON, filtered on request. `body` is null when the
   * client's ETag (If-None-Match) is current: nothing is built or filtered for a 304.
   */
  async feed (q: FeedQuery, ifNoneMatch: string | undefined, acceptsGzip: boolean, from: ReadContext): Promise<FeedResult> {
    const site = await siteOfRequest(this.#d.catalog, this.#d.origins, q.site, from, false)
    const filter = parseFilter(q)
    const version = await this.#d.feed.version(site.id)
    const etag = this.#d.feed.etag(site.id, version)
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag)) return { etag, body: null, gzip: false }
    const built = await this.#d.feed.get(site.id, version)
    if (!isUnfiltered(filter)) return { etag: built.etag, body: this.#d.feed.filter(built, filter), gzip: false }
    // A tenth of the size: 100,000 projects are about 30 MB of JSON, 3 MB gzipped.
    if (acceptsGzip && built.gzip) return { etag: built.etag, body: built.gzip, gzip: true }
    return { etag: built.etag, body: built.body, gzip: false }
  }

  async get (id: string, from: ReadContext): Promise<ReturnType<typeof publicFeature>> {
    const p = await getProject(this.#kysely, id)
    if (!p || p.review !== 'approved') throw notFound('Project')
    const site = await this.#d.catalog.site(p.siteId)
    if (!site) throw notFound('Project')
    this.#d.origins.assertRead(from.origin, site.origins, from.selfOrigin)
    return publicFeature(p)
  }

  /**
   * A resident suggests a project: a point inside the map's bounds, reviewed by staff before it
   * shows. Checked in this order: site and origin, participant token, rate limit, replay of the
   * Idempotency-Key, honeypot, submissions open, fields, bounds, the daily cap (in the transaction).
   */
  async submit (siteId: string | undefined, body: SubmissionBody, ctx: WriteContext): Promise<{ id: string; status: ProjectReview }> {
    const site = await siteOfRequest(this.#d.catalog, this.#d.origins, siteId, ctx, true)
    if (!ctx.participantToken) throw new AppError(401, 'PARTICIPANT_REQUIRED', 'A participant token is required (POST /v1/participants)')
    const participantId = this.#d.tokens.verifyFrom(ctx.participantToken, ctx.origin)
    if (!participantId) throw new AppError(401, 'PARTICIPANT_INVALID', 'The participant token is not valid')
    await enforce(this.#d.participantLimiter, participantId)
    if (ctx.idempotencyKey) {
      const prior = await findByIdempotencyKey(this.#kysely, participantId, ctx.idempotencyKey)
      if (prior) return { id: prior.id, status: prior.review }
    }
    if (body.website !== undefined && body.website !== '') {
      throw new AppError(422, 'SPAM', 'This suggestion looks automated and was not accepted')
    }
    const settings = await this.#settings(site.id)
    if (!settings.submissions.enabled) throw new AppError(403, 'SUBMISSIONS_CLOSED', 'This map does not take suggestions')
    const end = body.end == null || body.end === '' ? null : body.end
    checkDates(body.start, end)
    const geometry = checkGeometry(body.geometry, { pointOnly: true })
    const now = new Date()
    const at = now.toISOString()
    const project: Project = {
      id: newProjectId(),
      siteId: site.id,
      title: checkText('title', body.title, MAX_TITLE),
      category: checkCategory(body.category, settings),
      status: 'planned',
      start: body.start,
      end,
      address: optionalText('address', body.address, MAX_ADDRESS),
      description: checkText('description', body.description, MAX_DESCRIPTION, true),
      contact: null,
      link: null,
      geometry,
      review: 'pending',
      rejectReason: null,
      source: 'resident',
      submitterEmail: checkEmail(body.email),
      participantId,
      idempotencyKey: ctx.idempotencyKey ?? null,
      createdAt: at,
      updatedAt: at,
      reviewedAt: null
    }
    assertInBounds(geometry, settings.bounds)
    const perDay = settings.submissions.perDay
    try {
      await this.#kysely.transaction().execute(async trx => {
        // PostgreSQL: one participant's submissions serialise (the cap reads, then writes). SQLite has one writer.
        if (this.#d.db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`project:${site.id}:${participantId}`}))`.execute(trx)
        const recent = await countSubmissionsSince(trx, site.id, participantId, new Date(now.getTime() - DAY_MS).toISOString())
        if (recent >= perDay) {
          throw new AppError(429, 'DAILY_LIMIT', `You have reached today's limit of ${perDay} suggestions on this map`, { retryAfter: 3600 }, { 'retry-after': '3600' })
        }
        await insertProject(trx, project)
      })
    } catch (err) {
      // The same Idempotency-Key raced in twice: the other request stored it.
      if (isUniqueViolation(err) && ctx.idempotencyKey) {
        const prior = await findByIdempotencyKey(this.#kysely, participantId, ctx.idempotencyKey)
        if (prior) return { id: prior.id, status: prior.review }
      }
      throw err
    }
    this.#notify(site, project)
    return { id: project.id, status: 'pending' }
  }

  /** Staff hear of a suggestion through the site's comment webhook; the email stays out of chat. */
  #notify (site: Site, p: Project): void {
    const url = site.comments.webhookUrl
    if (!url) return
    const excerpt = p.description.length > 600 ? `${p.description.slice(0, 600)}…` : p.description
    const [lng, lat] = p.geometry.coordinates as [number, number]
    const text = `New project suggestion for review on the map (${escapeChat(site.name)})`
    this.#d.webhooks.send(url, {
      text,
      attachments: [{
        fallback: `${text}: ${escapeChat(p.title)}`,
        color: '#f2c744',
        title: escapeChat(p.title),
        text: escapeChat(excerpt),
        fields: [
          { title: 'Category', value: escapeChat(p.category), short: true },
          { title: 'Project', value: p.id, short: true },
          { title: 'Dates', value: p.end ? `${p.start} – ${p.end}` : p.start, short: true },
          { title: 'Location', value: `${lat}, ${lng}${p.address ? ` (${escapeChat(p.address)})` : ''}`, short: true }
        ]
      }]
    })
  }
}

/** Weak comparison (RFC 9110): any listed tag, W/ or not, or `*`. */
function etagMatches (header: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, '')
  return header.split(',').some(t => {
    const v = t.trim()
    return v === '*' || v.replace(/^W\//, '') === bare
  })
}

import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import type { Database } from '../store/db.ts'
import { listAllOrigins } from '../store/sites-repo.ts'
import { AccountService } from './accounts.ts'
import { AdminAuth, resolveAdminToken } from './admin-auth.ts'
import { AuditLog } from './audit.ts'
import { Catalog } from './catalog.ts'
import { createLimiters, createLiveBus } from './cluster.ts'
import { CommentAdminService } from './comment-admin.ts'
import { CommentService } from './comments.ts'
import { ConsultationAdminService } from './consultation-admin.ts'
import { ConsultationService } from './consultations.ts'
import { GdprService } from './gdpr.ts'
import { IdentityVerifier } from './identity.ts'
import { LoginLimiter } from './login-limiter.ts'
import type { LiveBus } from './live.ts'
import { MapService } from './map-data.ts'
import { OriginPolicy } from './origins.ts'
import { ParticipantTokens } from './participants.ts'
import { PollAdminService } from './poll-admin.ts'
import { PollService } from './polls.ts'
import { ProjectAdminService } from './project-admin.ts'
import { ProjectFeed, ProjectService } from './projects.ts'
import type { RateLimiter } from './rate-limit.ts'
import { ResultsCache } from './results.ts'
import { RetentionService } from './retention.ts'
import { SessionService } from './sessions.ts'
import { SiteService } from './sites.ts'
import { VoteWriter } from './vote-writer.ts'
import { Webhooks } from './webhooks.ts'

export interface Services {
  db: Database
  tokens: ParticipantTokens
  origins: OriginPolicy
  ipLimiter: RateLimiter
  adminAuth: AdminAuth
  /** Console users, sign-in and first-admin setup. */
  accounts: AccountService
  sessions: SessionService
  audit: AuditLog
  polls: PollService
  pollAdmin: PollAdminService
  sites: SiteService
  comments: CommentService
  commentAdmin: CommentAdminService
  consultations: ConsultationService
  consultationAdmin: ConsultationAdminService
  projects: ProjectService
  projectAdmin: ProjectAdminService
  /** Basemap style, context layers and PMTiles archive of the project map. */
  map: MapService
  /** A participant's data: export and erasure (GDPR). */
  gdpr: GdprService
  webhooks: Webhooks
  /** Deletes raw responses past each site's retention (aggregates kept); started with the app. */
  retention: RetentionService
  live: LiveBus
  writer: VoteWriter
  /** Flushes queued votes, then stops live fan-out. */
  close (): Promise<void>
}

/** Wires the services together; the only place that knows every dependency. */
export async function createServices (db: Database, config: Config, log: FastifyBaseLogger): Promise<Services> {
  const tokens = await ParticipantTokens.load(db)
  const admin = await resolveAdminToken(db, config.adminToken)
  if (admin.generated) {
    // Printed once, at the start that created it; afterwards it is only in the secrets table.
    log.warn({ adminToken: admin.token }, 'ADMIN_TOKEN was not set: generated an admin token and stored it in the database; keep it safe')
  }
  const sessions = new SessionService(db)
  const accounts = new AccountService(db, sessions, new LoginLimiter(db.kysely))
  const setupToken = await accounts.issueSetupToken()
  if (setupToken) {
    // Only while nobody can sign in: the link creates the first admin, then is void.
    log.warn({ setupUrl: `/admin/#setup=${setupToken}` }, 'No console users yet: open this one-time setup link on this server to create the first admin (or run `npm run admin -- create-admin`)')
  }
  const origins = new OriginPolicy(() => listAllOrigins(db.kysely))
  await origins.refresh()
  const catalog = new Catalog(db)
  const results = new ResultsCache(db)
  // Before the live bus connects: a bad MAP_CONTEXT or BASEMAP_PMTILES stops the start here.
  const map = new MapService({ contextPath: config.mapContext, basemapPath: config.basemapPmtiles }, err => log.error({ err }, 'map files could not be read'))
  // One node (SQLite): in memory. Several on PostgreSQL: LISTEN/NOTIFY and shared token buckets.
  const live = await createLiveBus(db, { catalog, results, config, log })
  const limiters = createLimiters(db, { ...config.rateLimit, commentIpPerMin: config.commentIpPerMin })
  const writer = new VoteWriter(db, {
    maxBatch: config.writerMaxBatch,
    onCommitted: c => {
      results.offer(c.poll.id, c.results)
      live.publish({ pollId: c.poll.id, results: c.results, participantIds: c.participantIds })
    },
    onError: (err, msg) => log.error({ err }, msg)
  })
  const identity = new IdentityVerifier()
  const participantLimiter = limiters.participant
  const projectFeed = new ProjectFeed(db)
  const webhooks = new Webhooks({ tries: config.webhookTries, baseDelayMs: config.webhookRetryMs, timeoutMs: config.webhookTimeoutMs, log })
  const audit = new AuditLog(db)
  const retention = new RetentionService(db, { intervalMs: config.retentionIntervalMinutes * 60_000, auditMonths: config.auditRetentionMonths, log, audit })
  return {
    db,
    tokens,
    origins,
    ipLimiter: limiters.ip,
    adminAuth: new AdminAuth(admin.token),
    accounts,
    sessions,
    audit,
    polls: new PollService({ db, catalog, results, tokens, identity, origins, writer, live, participantLimiter }),
    pollAdmin: new PollAdminService(db, catalog, results, live),
    sites: new SiteService(db, origins, catalog, webhooks),
    comments: new CommentService({
      db, catalog, tokens, identity, origins, live, webhooks, participantLimiter,
      ipLimiter: limiters.commentIp
    }),
    commentAdmin: new CommentAdminService(db, catalog, live),
    consultations: new ConsultationService({ db, catalog, tokens, origins, participantLimiter }),
    consultationAdmin: new ConsultationAdminService(db, catalog),
    projects: new ProjectService({ db, catalog, tokens, origins, webhooks, feed: projectFeed, participantLimiter }),
    projectAdmin: new ProjectAdminService(db, catalog, projectFeed),
    map,
    gdpr: new GdprService(db, { tokens, catalog, results, live }),
    webhooks,
    retention,
    live,
    writer,
    async close () {
      await retention.close()
      await writer.close()
      webhooks.close()
      await live.close()
      const { transactions, votes } = writer.stats
      log.info({ transactions, votes, avgBatch: transactions ? Number((votes / transactions).toFixed(1)) : 0 }, 'vote writer stopped')
    }
  }
}

import { sql } from 'kysely'
import pg from 'pg'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import type { Database } from '../store/db.ts'
import type { Catalog } from './catalog.ts'
import { LocalLiveBus } from './live.ts'
import type { LiveBus } from './live.ts'
import { databaseLiveSource } from './live-source.ts'
import { liveChannel, PgLiveBus } from './pg-live-bus.ts'
import type { ListenClient } from './pg-live-bus.ts'
import { PgRateBuckets, PgTokenBucketLimiter, TokenBucketLimiter } from './rate-limit.ts'
import type { RateLimiter } from './rate-limit.ts'
import type { ResultsCache } from './results.ts'

/**
 * What differs between one process (SQLite: everything in memory) and several nodes on one
 * PostgreSQL (live fan-out through LISTEN/NOTIFY, token buckets in a shared table).
 */

export async function createLiveBus (db: Database, deps: { catalog: Catalog; results: ResultsCache; config: Config; log: FastifyBaseLogger }): Promise<LiveBus> {
  const { config, log } = deps
  if (!db.postgres) return new LocalLiveBus(config.liveMinIntervalMs, err => log.error({ err }, 'live listener failed'))
  const { url } = db.postgres
  const bus = new PgLiveBus({
    // Keepalive notices a dead peer; connecting gives up after 5 s (the bus also checks the
    // connection with `select 1` and reconnects when it stops answering).
    client: () => new pg.Client({ connectionString: url, keepAlive: true, keepAliveInitialDelayMillis: 10_000, connectionTimeoutMillis: 5_000 }) as unknown as ListenClient,
    notify: async (channel, payload) => { await sql`select pg_notify(${channel}, ${payload})`.execute(db.kysely) },
    channel: liveChannel(db.postgres.schema),
    source: databaseLiveSource(db, deps.catalog, deps.results),
    minIntervalMs: config.liveMinIntervalMs,
    onError: (err, msg) => log.error({ err }, msg)
  })
  await bus.start()
  if (!bus.listening) log.error('live: could not LISTEN yet; retrying in the background')
  return bus
}

export interface Limiters { ip: RateLimiter; participant: RateLimiter; commentIp: RateLimiter }

export function createLimiters (db: Database, limits: { ipPerMin: number; participantPerMin: number; commentIpPerMin: number }): Limiters {
  if (db.dialect !== 'postgres') {
    return {
      ip: new TokenBucketLimiter(limits.ipPerMin),
      participant: new TokenBucketLimiter(limits.participantPerMin),
      commentIp: new TokenBucketLimiter(limits.commentIpPerMin)
    }
  }
  const buckets = new PgRateBuckets(db.kysely)
  return {
    ip: new PgTokenBucketLimiter(buckets, 'ip', limits.ipPerMin),
    participant: new PgTokenBucketLimiter(buckets, 'pp', limits.participantPerMin),
    commentIp: new PgTokenBucketLimiter(buckets, 'cip', limits.commentIpPerMin)
  }
}

import fs from 'node:fs'
import path from 'node:path'

/** Everything the server reads from the environment, parsed once. */
export interface Config {
  port: number
  host: string
  /** PostgreSQL when set; otherwise SQLite in dataDir. */
  databaseUrl?: string
  /** PostgreSQL schema to live in (created if missing); default: the connection's search_path. */
  databaseSchema?: string
  dataDir: string
  /** When unset a token is generated at first start and kept in the secrets table. */
  adminToken?: string
  /** Fastify's trustProxy: true, a hop count, or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string[]
  rateLimit: { ipPerMin: number; participantPerMin: number }
  /** Comments per client IP per minute: a ceiling above each site's per-author limits. */
  commentIpPerMin: number
  /** Staff webhooks: first retry after this long, doubling; this many attempts; per-attempt timeout. */
  webhookRetryMs: number
  webhookTries: number
  webhookTimeoutMs: number
  /** Minutes between retention runs (raw responses past each site's retentionMonths); 0: none. */
  retentionIntervalMinutes: number
  /** Months the audit log keeps its entries (older ones go at each retention run); 0: kept for ever. */
  auditRetentionMonths: number
  seed: boolean
  demo: boolean
  demoNgoPort: number
  demoOrigins: string[]
  /** HS256 key of the seeded demo site's identity. Demo only: never use it for a real site. */
  demoIdentitySecret: string
  logLevel: string
  /** One log line per request (Fastify's default); off when a proxy in front keeps access logs. */
  logRequests: boolean
  /** Where the built client bundle (loader + chunks) lives. */
  cdnDir: string
  /** The built staff console (`vite build --mode admin`), served at /admin. */
  adminDir: string
  demoDir: string
  sseHeartbeatMs: number
  /** Live updates are coalesced to at most one publish per poll per this interval. */
  liveMinIntervalMs: number
  /** Most votes written in one transaction. */
  writerMaxBatch: number
  /** A PMTiles archive served at /v1/map/basemap.pmtiles (and used by the default style); demo: the built Riverton archive. */
  basemapPmtiles?: string
  /** GeoJSON FeatureCollection of context layers (`layer` per feature) for the default style; demo: Riverton's. */
  mapContext?: string
}

export const DEMO_IDENTITY_SECRET = 'riverton-demo-identity-secret-NOT-FOR-PRODUCTION'

const root = path.resolve(import.meta.dirname, '..')

function bool (v: string | undefined, dflt: boolean): boolean {
  if (v === undefined || v === '') return dflt
  return !/^(0|false|no|off)$/i.test(v.trim())
}

function int (name: string, v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`)
  return Math.floor(n)
}

function trustProxy (v: string | undefined): Config['trustProxy'] {
  if (v === undefined || v === '' || /^(0|false|no|off)$/i.test(v)) return false
  if (/^(1|true|yes|on)$/i.test(v)) return true
  if (/^\d+$/.test(v)) return Number(v)
  return v.split(',').map(s => s.trim()).filter(Boolean)
}

function list (v: string | undefined): string[] {
  return (v ?? '').split(',').map(s => s.trim()).filter(Boolean)
}

export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const port = int('PORT', env.PORT, 8080)
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    adminToken: env.ADMIN_TOKEN || undefined,
    trustProxy: trustProxy(env.TRUST_PROXY),
    rateLimit: {
      ipPerMin: int('RATE_LIMIT_IP_PER_MIN', env.RATE_LIMIT_IP_PER_MIN, 600),
      participantPerMin: int('RATE_LIMIT_PARTICIPANT_PER_MIN', env.RATE_LIMIT_PARTICIPANT_PER_MIN, 30)
    },
    commentIpPerMin: int('RATE_LIMIT_COMMENT_IP_PER_MIN', env.RATE_LIMIT_COMMENT_IP_PER_MIN, 20),
    webhookRetryMs: int('WEBHOOK_RETRY_MS', env.WEBHOOK_RETRY_MS, 1000),
    webhookTries: Math.max(1, int('WEBHOOK_TRIES', env.WEBHOOK_TRIES, 5)),
    webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', env.WEBHOOK_TIMEOUT_MS, 10_000),
    retentionIntervalMinutes: int('RETENTION_INTERVAL_MINUTES', env.RETENTION_INTERVAL_MINUTES, 60),
    auditRetentionMonths: int('AUDIT_RETENTION_MONTHS', env.AUDIT_RETENTION_MONTHS, 0),
    seed: bool(env.SEED, true),
    demo: bool(env.DEMO, env.NODE_ENV !== 'production'),
    demoNgoPort: int('DEMO_NGO_PORT', env.DEMO_NGO_PORT, port === 0 ? 0 : port + 1),
    demoOrigins: list(env.DEMO_ORIGINS),
    demoIdentitySecret: env.DEMO_IDENTITY_SECRET || DEMO_IDENTITY_SECRET,
    logLevel: env.LOG_LEVEL || 'info',
    logRequests: bool(env.LOG_REQUESTS, true),
    cdnDir: path.resolve(env.CDN_DIR || path.join(root, 'dist/cdn')),
    adminDir: path.resolve(env.ADMIN_DIR || path.join(root, 'dist/admin')),
    demoDir: path.resolve(env.DEMO_DIR || path.join(root, 'demo')),
    sseHeartbeatMs: int('SSE_HEARTBEAT_MS', env.SSE_HEARTBEAT_MS, 15_000),
    liveMinIntervalMs: int('LIVE_MIN_INTERVAL_MS', env.LIVE_MIN_INTERVAL_MS, 250),
    writerMaxBatch: Math.max(1, int('WRITER_MAX_BATCH', env.WRITER_MAX_BATCH, 256)),
    ...mapFiles(env, bool(env.DEMO, env.NODE_ENV !== 'production'), path.resolve(env.DEMO_DIR || path.join(root, 'demo')))
  }
}

/** Explicit paths win (`off` turns one off); the demo falls back to Riverton's files when they exist. */
function mapFiles (env: NodeJS.ProcessEnv, demo: boolean, demoDir: string): Pick<Config, 'basemapPmtiles' | 'mapContext'> {
  const pick = (v: string | undefined, demoFile: string) => {
    if (v && /^(off|none)$/i.test(v.trim())) return undefined
    if (v) return path.resolve(v)
    return demo && fs.existsSync(demoFile) ? demoFile : undefined
  }
  return {
    basemapPmtiles: pick(env.BASEMAP_PMTILES, path.join(root, 'dist/basemap/riverton.pmtiles')),
    mapContext: pick(env.MAP_CONTEXT, path.join(demoDir, 'geo/riverton.geojson'))
  }
}

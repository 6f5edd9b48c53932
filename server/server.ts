import Fastify from 'fastify'
import { buildApp } from './app.ts'
import { loadConfig } from './config.ts'
import { ngoFiles } from './plugins/static-files.ts'
import { DEMO_USERS, ensureDemoUsers } from './seed-accounts.ts'
import { ensureDemoConsultations, ensureDemoOrigins, ensureDemoProjects, seedDemo } from './seed.ts'
import { migrateToLatest, openDatabase } from './store/db.ts'

/** Boots the server: config, migrations, seed, listeners, graceful shutdown. */
const config = loadConfig()
const logger = { level: config.logLevel }
const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema })
await migrateToLatest(db, config.databaseSchema)
const seeded = config.seed && await seedDemo(db, config)
if (config.demo) {
  await ensureDemoOrigins(db, config)
  await ensureDemoConsultations(db)
  await ensureDemoProjects(db)
}
// Before buildApp: with demo users in place no setup link is printed.
const demoPassword = config.demo ? await ensureDemoUsers(db) : undefined

const app = await buildApp({ db, config, logger })
if (demoPassword) {
  app.log.warn({ users: DEMO_USERS.map(u => u.email), password: demoPassword }, 'DEMO ONLY: console users created at /admin/ with this password (printed once, stored hashed)')
}
app.log.info({ db: db.dialect, dataDir: db.dialect === 'sqlite' ? config.dataDir : undefined, seeded }, 'database ready')
await app.listen({ port: config.port, host: config.host })

// The demo "NGO site": a second origin serving only demo/ngo/, to prove cross-origin embedding.
let ngo: Awaited<ReturnType<typeof Fastify>> | null = null
if (config.demo) {
  ngo = Fastify({ logger })
  await ngo.register(ngoFiles, { config })
  await ngo.listen({ port: config.demoNgoPort, host: config.host })
}

let stopping = false
async function shutdown (signal: string) {
  if (stopping) return
  stopping = true
  app.log.info({ signal }, 'shutting down: draining requests, flushing votes')
  // A hung drain must not keep the process forever.
  setTimeout(() => { app.log.error('shutdown timed out'); process.exit(1) }, 15_000).unref()
  try {
    await ngo?.close()
    await app.close() // stops accepting, ends SSE streams, waits for requests, flushes the vote writer
    await db.close()
    app.log.info('shutdown complete')
    process.exit(0)
  } catch (err) {
    app.log.error({ err }, 'shutdown failed')
    process.exit(1)
  }
}
process.on('SIGTERM', () => { void shutdown('SIGTERM') })
process.on('SIGINT', () => { void shutdown('SIGINT') })

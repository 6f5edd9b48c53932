import Fastify from 'fastify'
import type { FastifyServerOptions } from 'fastify'
import cors from '@fastify/cors'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.ts'
import { clientErrorHandler, errorHandler, frameworkErrors, notFoundHandler } from './plugins/errors.ts'
import { staticFiles } from './plugins/static-files.ts'
import { adminRoutes } from './routes/admin/index.ts'
import { commentRoutes } from './routes/comments.ts'
import { consultationRoutes } from './routes/consultations.ts'
import { healthRoutes } from './routes/health.ts'
import { mapRoutes } from './routes/map.ts'
import { openapiRoute } from './routes/openapi.ts'
import { participantRoutes } from './routes/participants.ts'
import { pollRoutes } from './routes/polls.ts'
import { projectRoutes } from './routes/projects.ts'
import { AppError } from './services/errors.ts'
import { createServices } from './services/index.ts'
import type { Services } from './services/index.ts'
import type { Database } from './store/db.ts'

export interface BuildOptions {
  db: Database
  config: Config
  /** Fastify logger options (pino); off when omitted. */
  logger?: FastifyServerOptions['logger']
}

/** Public bodies are tiny (a list of option ids); anything bigger is refused before parsing. */
export const PUBLIC_BODY_LIMIT = 16 * 1024

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
    /** Every route as registered (HEAD twins included), so tests can walk them all. */
    routeTable: Array<{ method: string; url: string; public: boolean }>
  }
}

/** The whole HTTP app, ready to `listen` or `inject`. The caller owns (and closes) the database. */
export async function buildApp ({ db, config, logger = false }: BuildOptions) {
  const app = fastify(config, logger)
  const services = await createServices(db, config, app.log)
  try {
    await assemble(app, services, db, config)
  } catch (err) {
    // A start that fails (a bad MAP_CONTEXT, a plugin) must not leave the services' connections
    // and timers (PostgreSQL's LISTEN client, the retention timer) keeping the process alive.
    await services.close()
    throw err
  }
  return app
}

function fastify (config: Config, logger: BuildOptions['logger']) {
  return Fastify({
    logger,
    // A hop count becomes a function: the typings take no number.
    trustProxy: typeof config.trustProxy === 'number' ? hopsWithin(config.trustProxy) : config.trustProxy,
    bodyLimit: PUBLIC_BODY_LIMIT,
    // Our own 503 below keeps the error shape while draining.
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } }
  }).withTypeProvider<TypeBoxTypeProvider>()
}

/** Hooks, parsers and routes on top of the services. */
async function assemble (app: ReturnType<typeof fastify>, services: Services, db: Database, config: Config) {
  app.decorate('services', services)
  const routeTable: App['routeTable'] = []
  app.decorate('routeTable', routeTable)
  app.addHook('onRoute', r => {
    for (const method of [r.method].flat()) routeTable.push({ method, url: r.url, public: r.config?.public === true })
  })
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)

  // JSON only (no text/plain → 415). An empty JSON body counts as no body rather than bad JSON.
  // NUL characters are refused up front: PostgreSQL cannot store them in text.
  const json = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') done(null, undefined)
    else if (/\u0000|\\u0000/i.test(body as string)) done(new AppError(400, 'BAD_REQUEST', 'NUL characters are not allowed'), undefined)
    else json(req, body as string, done)
  })

  // The same for ids and query values (`/polls/%00`): PostgreSQL cannot even compare them.
  app.addHook('preValidation', (req, _reply, done) => {
    if (hasNul(req.params) || hasNul(req.query)) done(new AppError(400, 'BAD_REQUEST', 'NUL characters are not allowed'))
    else done()
  })

  let closing = false
  app.addHook('onRequest', (_req, reply, done) => {
    if (!closing) return done()
    reply.header('connection', 'close')
    done(new AppError(503, 'SHUTTING_DOWN', 'The server is shutting down; try again', undefined, { 'retry-after': '1' }))
  })
  app.addHook('preClose', async () => { closing = true })
  // Runs after the HTTP server has drained: write what is still queued.
  app.addHook('onClose', async () => services.close())
  // Retention's first run once the app is ready, then on its interval (RETENTION_INTERVAL_MINUTES).
  app.addHook('onReady', async () => services.retention.start())

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'civic-widgets API',
        version: '1.0.0',
        description: 'Polls, comment threads and consultations for embeddable civic widgets. Errors are `{ error: { code, message, details? } }`.'
      },
      tags: [{ name: 'public' }, { name: 'admin' }, { name: 'ops' }],
      components: {
        securitySchemes: {
          admin: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
          session: { type: 'apiKey', in: 'cookie', name: 'civic_session', description: 'console sign-in (POST /v1/admin/session); writes also need X-CSRF-Token' },
          participant: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Participant <token>`' }
        }
      }
    }
  })

  await app.register(healthRoutes, { db })
  await app.register(async pub => {
    const corsOptions = (methods: string[]) => ({
      // Preflights are answered only for origins in some site's allow-list.
      origin: (origin: string | undefined, cb: (err: Error | null, allow: boolean) => void) => cb(null, services.origins.isKnown(origin)),
      methods,
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Civic-Identity', 'Last-Event-ID'],
      exposedHeaders: ['Retry-After'],
      maxAge: 600,
      // An OPTIONS that is not a preflight gets a bare 204 rather than a text/plain 400.
      strictPreflight: false
    })
    const readWrite = corsOptions(['GET', 'POST'])
    // Authors edit (PATCH) and delete (DELETE) their comments; nothing else is open to those methods.
    const commentsCors = corsOptions(['GET', 'POST', 'PATCH', 'DELETE'])
    // The basemap is read with byte ranges and revalidated: those headers must cross origins both ways.
    const mapCors = {
      ...corsOptions(['GET', 'HEAD']),
      allowedHeaders: ['Range', 'If-None-Match', 'If-Range', 'If-Match'],
      exposedHeaders: ['Content-Range', 'Accept-Ranges', 'ETag', 'Content-Length', 'Retry-After']
    }
    // The plugin's `OPTIONS *` route is global: without `noCors`, a listed site's preflight to an
    // admin path would be answered as if the console were open to it.
    const noCors = { ...readWrite, origin: false }
    await pub.register(cors, {
      delegator: (req, cb) => cb(null, req.url?.startsWith('/v1/admin') ? noCors : req.url?.startsWith('/v1/comments/') ? commentsCors : req.url?.startsWith('/v1/map/') ? mapCors : readWrite)
    })
    await pub.register(participantRoutes, { services })
    await pub.register(pollRoutes, { services, sseHeartbeatMs: config.sseHeartbeatMs })
    await pub.register(commentRoutes, { services, sseHeartbeatMs: config.sseHeartbeatMs })
    await pub.register(consultationRoutes, { services })
    await pub.register(projectRoutes, { services })
    await pub.register(mapRoutes, { services })
  })
  await app.register(adminRoutes, { prefix: '/v1/admin', services })
  await app.register(openapiRoute)
  await app.register(staticFiles, { config })
}

function hasNul (values: unknown): boolean {
  if (typeof values === 'string') return values.includes('\u0000')
  if (Array.isArray(values)) return values.some(hasNul)
  if (values && typeof values === 'object') return Object.entries(values).some(([k, v]) => k.includes('\u0000') || hasNul(v))
  return false
}

function hopsWithin (n: number) {
  return (_addr: string, hop: number) => hop < n
}

export type App = Awaited<ReturnType<typeof buildApp>>

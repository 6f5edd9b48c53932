import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Database } from '../store/db.ts'
import { ping } from '../store/db.ts'

export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  app.get('/health', {
    schema: {
      summary: 'Readiness: the database answers',
      tags: ['ops'],
      response: { 200: Type.Object({ status: Type.Literal('ok'), db: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]) }) }
    }
  }, async () => {
    await ping(db)
    return { status: 'ok' as const, db: db.dialect }
  })

  app.get('/livez', {
    schema: {
      summary: 'Liveness: the process answers (no database round trip)',
      tags: ['ops'],
      response: { 200: Type.Object({ status: Type.Literal('ok') }) }
    }
  }, async () => ({ status: 'ok' as const }))
}

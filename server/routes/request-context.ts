import type { FastifyRequest } from 'fastify'
import type { ReadContext, WriteContext } from '../services/polls.ts'

/** The token of `Authorization: Participant <token>`, if that scheme was used. */
export function participantToken (req: FastifyRequest): string | undefined {
  const m = /^Participant\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  return m?.[1]
}

const header = (req: FastifyRequest, name: string) => {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** Where a public read comes from. */
export function readContext (req: FastifyRequest): ReadContext {
  return { origin: header(req, 'origin'), selfOrigin: `${req.protocol}://${req.host}` }
}

/** What a public write carries in its headers, for the services. */
export function writeContext (req: FastifyRequest): WriteContext {
  return {
    ...readContext(req),
    participantToken: participantToken(req),
    identityToken: header(req, 'x-civic-identity'),
    idempotencyKey: header(req, 'idempotency-key')
  }
}

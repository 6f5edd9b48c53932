import type { FastifyRequest } from 'fastify'
import type { WriteContext } from '../services/polls.ts'

/** The token of `Authorization: Participant <token>`, if that scheme was used. */
export function participantToken (req: FastifyRequest): string | undefined {
  const m = /^Participant\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  return m?.[1]
}

/** What a public write carries in its headers, for the services. */
export function writeContext (req: FastifyRequest): WriteContext {
  const header = (name: string) => {
    const v = req.headers[name]
    return Array.isArray(v) ? v[0] : v
  }
  return {
    origin: header('origin'),
    selfOrigin: `${req.protocol}://${req.host}`,
    participantToken: participantToken(req),
    identityToken: header('x-civic-identity'),
    idempotencyKey: header('idempotency-key')
  }
}

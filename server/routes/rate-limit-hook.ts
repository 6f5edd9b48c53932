import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../services/index.ts'
import { enforce } from '../services/rate-limit.ts'

/** Per-IP limit as an onRequest hook, so a flood is refused before its body is even read. */
export function ipLimit (services: Services) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    await enforce(services.ipLimiter, req.ip)
  }
}

import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { Services } from '../services/index.ts'
import { enforce } from '../services/rate-limit.ts'

/** Per-IP limit as an onRequest hook, so a flood is refused before its body is even read. */
export function ipLimit (services: Services) {
  return (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    try {
      enforce(services.ipLimiter, req.ip)
      done()
    } catch (err) {
      done(err as Error)
    }
  }
}

import type { FastifyPluginAsync } from 'fastify'

/** The machine-readable contract, generated from the route schemas. */
export const openapiRoute: FastifyPluginAsync = async app => {
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

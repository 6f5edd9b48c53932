import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, IdParams } from '../../schemas/common.ts'
import { CreateSiteBody, PatchSiteBody, SiteList, SiteView } from '../../schemas/sites.ts'
import type { Services } from '../../services/index.ts'
import type { Site } from '../../store/sites-repo.ts'

const security = [{ admin: [] }]

/** The key is write-only: answers only say whether one is set. */
function siteView (s: Site) {
  const { secret, ...identity } = s.identity ?? {}
  return { ...s, identity: s.identity ? { ...identity, hasSecret: secret !== undefined } : null }
}

export const adminSiteRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/sites', {
    config: { role: 'moderator' },
    schema: { summary: 'List sites', tags: ['admin'], security, response: { 200: SiteList, ...errorResponses } }
  }, async () => ({ sites: (await services.sites.list()).map(siteView) }))

  app.post('/sites', {
    config: { role: 'admin' },
    schema: { summary: 'Create a site', tags: ['admin'], security, body: CreateSiteBody, response: { 201: SiteView, ...errorResponses } }
  }, async (req, reply) => reply.code(201).send(siteView(await services.sites.create(req.body))))

  app.patch('/sites/:id', {
    config: { role: 'admin' },
    schema: { summary: 'Change a site (identity is replaced as a whole; null removes it)', tags: ['admin'], security, params: IdParams, body: PatchSiteBody, response: { 200: SiteView, ...errorResponses } }
  }, async req => siteView(await services.sites.update(req.params.id, req.body)))
}

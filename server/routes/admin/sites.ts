import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses, IdParams } from '../../schemas/common.ts'
import { CreateSiteBody, PatchSiteBody, RetentionReport, RetentionStatus, SiteList, SiteView, WebhookTestResult } from '../../schemas/sites.ts'
import type { Services } from '../../services/index.ts'
import type { Site } from '../../store/sites-repo.ts'

const security = [{ admin: [] }]

/** The key is write-only: answers only say whether one is set. */
function siteView (s: Site) {
  const { secret, ...identity } = s.identity ?? {}
  return {
    ...s,
    identity: s.identity ? { ...identity, hasSecret: secret !== undefined } : null,
    defaultLocale: s.defaultLocale ?? null,
    retentionMonths: s.retentionMonths ?? null
  }
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

  app.post('/sites/:id/webhook-test', {
    config: { role: 'admin', audit: 'site.webhook.test' },
    schema: {
      summary: 'Send one test message to the site\'s saved webhook URL and report what happened (no retries, bounded timeout)',
      description: 'A failed delivery is still `200` with `ok: false`; `409 WEBHOOK_NOT_SET` when the site has no webhook URL.',
      tags: ['admin'], security, params: IdParams, response: { 200: WebhookTestResult, ...errorResponses }
    }
  }, async req => services.sites.testWebhook(req.params.id))

  app.get('/retention', {
    config: { role: 'admin' },
    schema: { summary: 'The retention interval and what its last run deleted (since this process started)', tags: ['admin'], security, response: { 200: RetentionStatus, ...errorResponses } }
  }, async () => ({ intervalMinutes: services.retention.intervalMinutes, lastRun: services.retention.lastRun }))

  app.post('/retention/run', {
    config: { role: 'admin', audit: 'retention.run', auditTarget: 'retention' },
    schema: { summary: 'Apply every site\'s retention now: delete raw responses past it (aggregates kept)', tags: ['admin'], security, response: { 200: RetentionReport, ...errorResponses } }
  }, async () => services.retention.run())
}

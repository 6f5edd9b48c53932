import type { App } from '../../../server/app.ts'
import { admin, ORIGIN } from './harness.ts'
import { createSite, ok, uid } from './api.ts'

/** A small city: bounds, and three categories. */
export const MAP = {
  bounds: [5.06, 52.055, 5.18, 52.125],
  center: [5.12, 52.09],
  zoom: 13,
  categories: [
    { id: 'roadworks', label: 'Roadworks', color: '#b3261e', icon: 'cone' },
    { id: 'park', label: 'Parks', color: '#2e7d32', icon: 'tree' },
    { id: 'transit', label: 'Transit', color: '#1565c0', icon: 'bus' }
  ],
  submissions: { enabled: true, perDay: 5 },
  comments: true
}

export const point = (lng = 5.12, lat = 52.09) => ({ type: 'Point', coordinates: [lng, lat] })
const r6 = (n: number) => Math.round(n * 1e6) / 1e6
export const square = (lng = 5.1, lat = 52.08, d = 0.005) => ({
  type: 'Polygon', coordinates: [[[lng, lat], [r6(lng + d), lat], [r6(lng + d), r6(lat + d)], [lng, r6(lat + d)], [lng, lat]]]
})

export async function putMap (app: App, siteId: string, settings: Record<string, unknown>) {
  return app.inject({ method: 'PUT', url: `/v1/admin/sites/${siteId}/map`, headers: admin, payload: settings })
}

/** A site with the MAP settings (merged with `extra`). */
export async function createMapSite (app: App, extra: Record<string, unknown> = {}, siteExtra: Record<string, unknown> = {}): Promise<string> {
  const site = await createSite(app, siteExtra)
  ok(await putMap(app, site.id, { ...MAP, ...extra }))
  return site.id
}

export async function createProject (app: App, siteId: string, extra: Record<string, unknown> = {}) {
  return ok(await app.inject({
    method: 'POST', url: '/v1/admin/projects', headers: admin,
    payload: { siteId, title: 'Resurfacing Main Street', category: 'roadworks', status: 'planned', start: '2026-03-01', end: '2026-06-30', geometry: point(), ...extra }
  }), 201)
}

export function feed (app: App, query: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url: `/v1/projects?${new URLSearchParams(query)}`, headers })
}

/** The ids in a feed response, sorted. */
export function ids (res: { json (): any }): string[] {
  return res.json().features.map((f: any) => f.id).sort()
}

export interface SubmitOpts { key?: string; origin?: string | null; remoteAddress?: string }

export function submit (app: App, siteId: string, token: string | null, body: Record<string, unknown>, opts: SubmitOpts = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (opts.origin !== null) headers.origin = opts.origin ?? ORIGIN
  if (token !== null) headers.authorization = `Participant ${token}`
  if (opts.key !== undefined) headers['idempotency-key'] = opts.key
  return app.inject({
    method: 'POST', url: `/v1/projects/submissions?site=${siteId}`, headers,
    payload: JSON.stringify({ title: 'Broken streetlight', category: 'roadworks', start: '2026-05-01', description: 'The light at the corner is out.', geometry: point(), ...body }),
    ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {})
  })
}

export { uid }

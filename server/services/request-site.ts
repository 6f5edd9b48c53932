import type { Site } from '../store/sites-repo.ts'
import type { Catalog } from './catalog.ts'
import { AppError, notFound } from './errors.ts'
import type { OriginPolicy } from './origins.ts'
import type { ReadContext } from './polls.ts'

/**
 * The site of a request that names no resource of its own (comment threads, the targeted
 * consultation of a page): `site=` when given (its allow-list must hold the Origin), else the
 * first site by id whose allow-list holds the Origin (no Origin: the server's own). Reads get a
 * readable 403 from an unlisted origin, writes a plain one.
 */
export async function siteOfRequest (catalog: Catalog, origins: OriginPolicy, siteId: string | undefined,
  from: ReadContext, write: boolean): Promise<Site> {
  let site: Site | undefined
  if (siteId !== undefined) {
    site = await catalog.site(siteId)
    if (!site) throw notFound('Site')
  } else {
    site = await catalog.siteForOrigin(from.origin ?? from.selfOrigin)
    if (!site && (from.origin === undefined || from.origin === from.selfOrigin)) {
      throw new AppError(400, 'SITE_REQUIRED', 'No site lists this server\'s origin: pass site=<id>')
    }
  }
  const allowed = site?.origins ?? []
  if (write) origins.assertWrite(from.origin, allowed, from.selfOrigin)
  else origins.assertRead(from.origin, allowed, from.selfOrigin)
  return site!
}

import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose'
import type { JWTVerifyGetKey, JWTVerifyOptions } from 'jose'
import type { SiteIdentity } from '../store/sites-repo.ts'
import { AppError } from './errors.ts'

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']

const invalid = (why: string) => new AppError(401, 'IDENTITY_INVALID', `Identity token rejected: ${why}`)

/** Verifies the host site's own login token (JWT), by shared HS256 key or the site's JWKS. */
export class IdentityVerifier {
  /** One JWKS fetcher per URL: jose caches the keys and refetches on unknown `kid`. */
  readonly #jwks = new Map<string, JWTVerifyGetKey>()

  /** The subject, and the token's `name` claim when it carries a usable one (comment author names). */
  async verify (token: string, cfg: SiteIdentity): Promise<{ sub: string; name?: string }> {
    let alg: string | undefined
    try {
      alg = decodeProtectedHeader(token).alg
    } catch {
      throw invalid('malformed token')
    }
    const options: JWTVerifyOptions = {
      issuer: cfg.issuer,
      audience: cfg.audience,
      requiredClaims: ['sub', 'exp'],
      clockTolerance: 5
    }
    try {
      const useSecret = cfg.secret !== undefined && (alg === 'HS256' || cfg.jwksUrl === undefined)
      const { payload } = useSecret
        ? await jwtVerify(token, new TextEncoder().encode(cfg.secret), { ...options, algorithms: ['HS256'] })
        : await jwtVerify(token, this.#keySet(cfg.jwksUrl), { ...options, algorithms: ASYMMETRIC })
      // The subject becomes part of a database key: bounded, no control characters (NUL breaks PostgreSQL).
      if (typeof payload.sub !== 'string' || !/^[^\u0000-\u001f\u007f]{1,256}$/.test(payload.sub)) throw invalid('bad subject')
      const name = typeof payload.name === 'string' ? payload.name.trim() : ''
      return /^[^\u0000-\u001f\u007f]{1,60}$/u.test(name) ? { sub: payload.sub, name } : { sub: payload.sub }
    } catch (err) {
      if (err instanceof AppError) throw err
      // The site's key server being down is not the resident's fault: say so, without a 401.
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) {
        throw new AppError(503, 'IDENTITY_UNAVAILABLE', 'The site\'s identity keys could not be fetched; try again later')
      }
      if (err instanceof errors.JWTExpired) throw invalid('expired')
      if (err instanceof errors.JWTClaimValidationFailed) throw invalid(`claim ${err.claim} ${err.reason}`)
      throw invalid('signature or algorithm not accepted')
    }
  }

  #keySet (url: string | undefined): JWTVerifyGetKey {
    if (!url) throw invalid('no key configured for this algorithm')
    let set = this.#jwks.get(url)
    if (!set) {
      set = createRemoteJWKSet(new URL(url), { timeoutDuration: 3000, cooldownDuration: 30_000 })
      this.#jwks.set(url, set)
    }
    return set
  }
}

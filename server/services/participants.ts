import crypto from 'node:crypto'
import type { Database } from '../store/db.ts'
import { putSecretIfAbsent } from '../store/secrets-repo.ts'

const TOKEN_V2 = /^v2\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{11})\.([A-Za-z0-9_-]{43})$/
/** Tokens minted before they were bound to an origin: still read (a resident's own vote, GDPR), never written with. */
const TOKEN_V1 = /^v1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/

/**
 * Stateless anonymous participant tokens `v2.<id>.<origin tag>.<mac>`: a random id and the page
 * origin that asked for it, signed with HMAC-SHA256. A write counts only from that origin, so a token
 * taken from one city's site cannot vote on another's. The key lives in the secrets table so every
 * node of a cluster accepts every token.
 */
export class ParticipantTokens {
  readonly #key: Buffer

  constructor (key: Buffer) {
    this.#key = key
  }

  static async load (db: Database): Promise<ParticipantTokens> {
    const { value } = await putSecretIfAbsent(db.kysely, 'participant_hmac_key', crypto.randomBytes(32).toString('base64url'))
    return new ParticipantTokens(Buffer.from(value, 'base64url'))
  }

  #mac (signed: string): Buffer {
    return crypto.createHmac('sha256', this.#key).update(signed).digest()
  }

  /** 8 bytes of a keyed hash of the origin: the token names it without showing it. */
  #tag (origin: string): string {
    return this.#mac(`origin:${origin}`).subarray(0, 8).toString('base64url')
  }

  /** A token for the page at `origin` (the request's Origin; '' when there is none). */
  mint (origin: string): string {
    const id = crypto.randomBytes(16).toString('base64url')
    const head = `v2.${id}.${this.#tag(origin)}`
    return `${head}.${this.#mac(head).toString('base64url')}`
  }

  /** The participant id of a genuine token (either version), or null: for reads, where any of the resident's tokens will do. */
  verify (token: string): string | null {
    return this.#check(token)?.id ?? null
  }

  /** The participant id when the token is genuine and was minted for `origin`: for writes. */
  verifyFrom (token: string, origin: string | undefined): string | null {
    const t = this.#check(token)
    return t?.tag !== undefined && t.tag === this.#tag(origin ?? '') ? t.id : null
  }

  #check (token: string): { id: string; tag?: string } | null {
    const v2 = TOKEN_V2.exec(token)
    const v1 = v2 ? null : TOKEN_V1.exec(token)
    const [head, mac] = v2 ? [`v2.${v2[1]}.${v2[2]}`, v2[3]!] : v1 ? [`v1.${v1[1]}`, v1[2]!] : [null, null]
    if (head === null) return null
    const given = Buffer.from(mac!, 'base64url')
    const expected = this.#mac(head)
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null
    return v2 ? { id: v2[1]!, tag: v2[2]! } : { id: v1![1]! }
  }
}

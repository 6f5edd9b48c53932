import crypto from 'node:crypto'
import type { Database } from '../store/db.ts'
import { putSecretIfAbsent } from '../store/secrets-repo.ts'

const TOKEN_RE = /^v1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/

/**
 * Stateless anonymous participant tokens `v1.<id>.<mac>`: a random id signed with HMAC-SHA256.
 * The key lives in the secrets table so every node of a cluster accepts every token.
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

  #mac (id: string): Buffer {
    return crypto.createHmac('sha256', this.#key).update(`v1.${id}`).digest()
  }

  mint (): string {
    const id = crypto.randomBytes(16).toString('base64url')
    return `v1.${id}.${this.#mac(id).toString('base64url')}`
  }

  /** The participant id, or null when the token is malformed or forged. */
  verify (token: string): string | null {
    const m = TOKEN_RE.exec(token)
    if (!m) return null
    const given = Buffer.from(m[2]!, 'base64url')
    const expected = this.#mac(m[1]!)
    return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? m[1]! : null
  }
}

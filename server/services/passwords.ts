import crypto from 'node:crypto'
import { promisify } from 'node:util'

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, keylen: number, opts: crypto.ScryptOptions) => Promise<Buffer>

/** N=2^15, r=8, p=1: about 32 MiB and tens of ms per hash, so guessing offline stays slow. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 }
const KEY_LEN = 64
const SALT_LEN = 16
/** Node refuses N·r·128 = 32 MiB at its default limit; allow twice that. */
const maxmem = (N: number, r: number) => 256 * N * r

export const MIN_PASSWORD_LENGTH = 10

/** `scrypt$N$r$p$salt$hash`, salt and hash base64url. */
export async function hashPassword (password: string): Promise<string> {
  const salt = crypto.randomBytes(SALT_LEN)
  const { N, r, p } = PARAMS
  const key = await scrypt(password.normalize('NFC'), salt, KEY_LEN, { N, r, p, maxmem: maxmem(N, r) })
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** Constant-time comparison; a malformed stored hash never matches. */
export async function verifyPassword (password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored)
  if (!m) return false
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  // Bounds keep a tampered row from making us allocate gigabytes.
  if (N > 2 ** 20 || r > 32 || p > 16) return false
  const expected = Buffer.from(m[5]!, 'base64url')
  if (expected.length < 16) return false
  const key = await scrypt(password.normalize('NFC'), Buffer.from(m[4]!, 'base64url'), expected.length, { N, r, p, maxmem: maxmem(N, r) })
  return crypto.timingSafeEqual(key, expected)
}

let dummy: Promise<string> | undefined
/** A real hash to check unknown emails against, so they take as long as known ones. */
export function dummyHash (): Promise<string> {
  dummy ??= hashPassword(crypto.randomBytes(16).toString('hex'))
  return dummy
}

/** A password for generated accounts (demo users): 20 characters from 120 random bits. */
export function generatePassword (): string {
  return crypto.randomBytes(15).toString('base64url')
}

import type { CommentSettings, ModerationMode } from '../store/sites-repo.ts'
import { AppError } from './errors.ts'

export const MAX_BODY = 5000
export const MAX_NAME = 60
export const MAX_KEY = 500

/** Comment ids: random, URL-safe, not guessable in sequence. */
export const COMMENT_ID_RE = /^[A-Za-z0-9_-]{1,64}$/

/** Length as a resident counts it: Unicode code points, not UTF-16 units. */
export const codePoints = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

/**
 * A thread key in canonical form: absolute http(s) URLs lose query, fragment and credentials and
 * get a lower-case host without default port (as `new URL` writes them, which is what the widget
 * does); other keys are used as given.
 */
export function canonicalKey (key: string): string {
  if (/^https?:\/\//i.test(key)) {
    try {
      const u = new URL(key)
      return `${u.origin}${u.pathname}`
    } catch { /* not a URL after all: keep it */ }
  }
  return key
}

export function checkKey (key: string): string {
  const k = canonicalKey(key)
  if (k.length === 0 || k.length > MAX_KEY || /[\u0000-\u001f\u007f]/.test(k)) {
    throw new AppError(400, 'BAD_REQUEST', `A thread key is 1–${MAX_KEY} characters without control characters`)
  }
  return k
}

export interface ThreadTiming { closesAt: string | null; closedAt: string | null }

export function threadStatus (t: ThreadTiming | undefined, now: Date): 'open' | 'closed' {
  if (!t) return 'open'
  return t.closedAt !== null || (t.closesAt !== null && now.toISOString() >= t.closesAt) ? 'closed' : 'open'
}

export function assertThreadOpen (t: ThreadTiming | undefined, now: Date): void {
  if (threadStatus(t, now) === 'closed') throw new AppError(409, 'THREAD_CLOSED', 'This discussion is closed')
}

/** A guest display name: trimmed, 1–60 code points, no control characters. */
export function checkName (name: string | undefined): string {
  const n = (name ?? '').trim()
  if (n === '' || codePoints(n) > MAX_NAME || /[\u0000-\u001f\u007f]/.test(n)) {
    throw new AppError(422, 'INVALID_NAME', `Please give a name of 1–${MAX_NAME} characters`)
  }
  return n
}

/** The body is stored exactly as written; it must say something and fit. */
export function checkBody (body: string): void {
  if (body.trim() === '') throw new AppError(422, 'EMPTY', 'The comment is empty')
  const length = codePoints(body)
  if (length > MAX_BODY) {
    throw new AppError(422, 'TOO_LONG', `A comment has at most ${MAX_BODY} characters (this one has ${length})`, { max: MAX_BODY, length })
  }
}

// ── words and links ────────────────────────────────────────────────────────────────────────────

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const fold = (s: string) => s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ')

interface WordMatcher { find (text: string): string | null }

const matchers = new Map<string, WordMatcher>()

/**
 * Finds the first list entry occurring in a text as a whole word (or phrase), case-insensitively.
 * "Whole" means not preceded or followed by a letter, digit or underscore, in any script.
 * Compiled once per distinct list (lists change rarely; the cache is bounded).
 */
export function wordMatcher (list: readonly string[]): WordMatcher {
  const id = list.join('\n')
  let m = matchers.get(id)
  if (m) return m
  const entries = new Map(list.map(w => [fold(w), w]))
  if (entries.size === 0) {
    m = { find: () => null }
  } else {
    // Longest first, so a phrase wins over a word it starts with.
    const alts = [...entries.keys()].sort((a, b) => b.length - a.length).map(w => w.split(' ').map(escapeRe).join('\\s+'))
    const re = new RegExp(`(?<![\\p{L}\\p{N}\\p{M}_])(?:${alts.join('|')})(?![\\p{L}\\p{N}\\p{M}_])`, 'iu')
    m = {
      find (text) {
        const hit = re.exec(text.normalize('NFC'))
        return hit ? (entries.get(fold(hit[0])) ?? hit[0]) : null
      }
    }
  }
  if (matchers.size >= 100) matchers.delete(matchers.keys().next().value!)
  matchers.set(id, m)
  return m
}

const LINK = /\bhttps?:\/\/|\bwww\.[\p{L}\p{N}-]|\b[\p{L}\p{N}-]+\.(?:com|net|org|info|biz|io|co|ru|cn|xyz|top|click|link|online|site|shop|app|dev|de|fr|uk|eu|nl|ly|me|tk|gl|gg|to)(?![\p{L}\p{N}-])/iu

export function containsLink (text: string): boolean {
  return LINK.test(text)
}

export const HELD = {
  suspect: "held for review: contains a word on this site's review list",
  links: 'held for review: links are reviewed',
  first: 'held for review: first comments are reviewed',
  pre: 'held for review: comments are reviewed before they appear',
  reported: 'hidden after reports: a moderator will review it'
} as const

export const rejectedReason = (reason: string) => `removed by a moderator: ${reason}`

/** The code of a stored held reason (stored as the sentences above), for widgets to translate. */
export function heldCode (reason: string | null): 'suspect' | 'links' | 'first' | 'pre' {
  for (const code of ['suspect', 'links', 'first'] as const) if (HELD[code] === reason) return code
  return 'pre'
}

export interface ModerationInput {
  body: string
  settings: CommentSettings
  mode: ModerationMode
  /** The author has a published comment on this site already (for `first`). */
  authorKnown: boolean
}

/**
 * The verdict on a text: refused (BANNED_WORD), held with the most specific reason, or published.
 * Runs on every post and every edit.
 */
export function assertNoBannedWord (body: string, settings: CommentSettings): void {
  const banned = wordMatcher(settings.bannedWords).find(body)
  if (banned !== null) {
    throw new AppError(422, 'BANNED_WORD', `This site does not accept comments containing “${banned}”`, { word: banned })
  }
}

export function moderate ({ body, settings, mode, authorKnown }: ModerationInput): { status: 'published' | 'pending'; heldReason: string | null } {
  assertNoBannedWord(body, settings)
  const held = wordMatcher(settings.suspectWords).find(body) !== null
    ? HELD.suspect
    : settings.holdLinks && containsLink(body)
      ? HELD.links
      : mode === 'first' && !authorKnown
        ? HELD.first
        : mode === 'pre' ? HELD.pre : null
  return held ? { status: 'pending', heldReason: held } : { status: 'published', heldReason: null }
}

// ── settings ──────────────────────────────────────────────────────────────────────────────────

const invalidSite = (message: string, details?: unknown) => new AppError(422, 'INVALID_SITE', message, details)

function wordList (name: string, list: string[]): string[] {
  const out = [...new Set(list.map(w => w.trim().replace(/\s+/g, ' ')).filter(Boolean))]
  if (out.some(w => /[\u0000-\u001f\u007f]/.test(w))) throw invalidSite(`${name} must not contain control characters`)
  return out
}

/** A settings patch merged onto `base` (field by field) and checked. */
export function mergeCommentSettings (base: CommentSettings, patch: Partial<CommentSettings> | undefined): CommentSettings {
  const s: CommentSettings = { ...base, ...patch }
  s.suspectWords = wordList('suspectWords', s.suspectWords)
  s.bannedWords = wordList('bannedWords', s.bannedWords)
  if (s.webhookUrl !== null) {
    let u: URL
    try { u = new URL(s.webhookUrl) } catch { throw invalidSite('webhookUrl is not a URL') }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalidSite('webhookUrl must be http(s)')
    s.webhookUrl = u.href
  }
  return s
}

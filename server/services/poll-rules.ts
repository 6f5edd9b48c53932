import type { Poll } from '../store/polls-repo.ts'
import { AppError } from './errors.ts'

export type PollStatus = 'scheduled' | 'open' | 'closed'

/** Status from the schedule, a manual close and the server clock (never the device's). */
export function pollStatus (p: Poll, now: Date): PollStatus {
  const t = now.toISOString()
  if (p.closedAt !== null || (p.closesAt !== null && t >= p.closesAt)) return 'closed'
  if (p.opensAt !== null && t < p.opensAt) return 'scheduled'
  return 'open'
}

export function assertOpen (status: PollStatus): void {
  if (status === 'closed') throw new AppError(409, 'POLL_CLOSED', 'This poll is closed')
  if (status === 'scheduled') throw new AppError(409, 'POLL_NOT_OPEN', 'This poll is not open yet')
}

export interface Reader { staff: boolean; hasVoted: boolean }

/** after-vote: the voter, and everyone once closed; after-close: everyone once closed; staff: admins only. */
export function canSeeResults (p: Poll, status: PollStatus, reader: Reader): boolean {
  if (reader.staff) return true
  switch (p.resultsVisibility) {
    case 'always': return true
    case 'after-vote': return reader.hasVoted || status === 'closed'
    case 'after-close': return status === 'closed'
    case 'staff': return false
  }
}

function invalid (reason: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError(422, 'INVALID_CHOICE', message, { reason, ...extra })
}

/**
 * single: exactly one; multiple: 1..maxChoices (all options when null);
 * ranked: an ordering of exactly maxChoices distinct options (all of them when null).
 */
export function validateChoices (p: Poll, choices: readonly string[]): void {
  const known = new Set(p.options.map(o => o.id))
  const unknown = choices.filter(c => !known.has(c))
  if (unknown.length) throw invalid('unknown-option', 'Unknown option', { options: unknown })
  if (new Set(choices).size !== choices.length) throw invalid('duplicate', 'An option was chosen twice')
  const n = p.options.length
  let min = 1
  let max = 1
  if (p.type === 'multiple') max = p.maxChoices ?? n
  if (p.type === 'ranked') min = max = Math.min(p.maxChoices ?? n, n)
  if (choices.length < min) throw invalid('too-few', `Choose at least ${min}`, { min, max })
  if (choices.length > max) throw invalid('too-many', `Choose at most ${max}`, { min, max })
}

import type { PageCounts } from '../store/votes-repo.ts'
import type { Poll } from '../store/polls-repo.ts'

/** Longest daily series returned: a year (and a leap day); older days are summed into `earlier`. */
export const MAX_DAYS = 366
/** Pages listed one by one; the rest are summed into `otherPages`. */
export const TOP_PAGES = 50

const DAY_MS = 86_400_000

export interface PollActivity {
  voters: number
  from: string | null
  to: string | null
  daily: Array<{ date: string; votes: number }>
  earlier: number
  byPage: Array<{ page: string | null; votes: number }>
  otherPages: { pages: number; votes: number }
}

/** The UTC day a poll's participation ends: when it closed (by hand or by its date), else today. */
export function lastDay (poll: Poll, now: Date): string {
  const at = now.toISOString()
  const closes = [poll.closedAt, poll.closesAt].filter((t): t is string => t !== null && t <= at).sort()
  return (closes[0] ?? at).slice(0, 10)
}

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)

/**
 * Every UTC day from the first vote to `end` (zeros included), at most MAX_DAYS of them: a poll
 * that ran longer shows its last year and the votes before it as `earlier`. `end` moves to the last
 * vote's day should a vote be later (a closing date edited into the past after votes came in).
 */
export function dailySeries (counts: ReadonlyArray<{ date: string; n: number }>, end: string): Pick<PollActivity, 'from' | 'to' | 'daily' | 'earlier'> {
  if (counts.length === 0) return { from: null, to: null, daily: [], earlier: 0 }
  const last = counts[counts.length - 1]!.date
  const to = last > end ? last : end
  const oldest = addDays(to, 1 - MAX_DAYS)
  const from = counts[0]!.date > oldest ? counts[0]!.date : oldest
  const byDay = new Map(counts.map(c => [c.date, c.n]))
  const daily: PollActivity['daily'] = []
  for (let d = from; d <= to; d = addDays(d, 1)) daily.push({ date: d, votes: byDay.get(d) ?? 0 })
  const earlier = counts.reduce((sum, c) => sum + (c.date < from ? c.n : 0), 0)
  return { from, to, daily, earlier }
}

/** The top pages as counted, and the rest as one sum. */
export function pageBreakdown (p: PageCounts): Pick<PollActivity, 'byPage' | 'otherPages'> {
  const listed = p.top.reduce((sum, r) => sum + r.n, 0)
  return {
    byPage: p.top.map(r => ({ page: r.page, votes: r.n })),
    otherPages: { pages: Math.max(0, p.groups - p.top.length), votes: p.votes - listed }
  }
}

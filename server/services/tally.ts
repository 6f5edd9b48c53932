import type { Poll } from '../store/polls-repo.ts'
import type { Tally } from '../store/votes-repo.ts'
import type { PollResults } from '../schemas/polls.ts'

export function emptyTally (pollId: string): Tally {
  return { pollId, version: 0, voters: 0, counts: {} }
}

/**
 * Adds (sign 1) or removes (sign -1) one voter's choices.
 * single/multiple: votes = points = times chosen. ranked: votes = first preferences,
 * points = Borda count over all n options (n-1 for first place … 0 for unranked).
 */
export function applyChoices (t: Tally, poll: Poll, choices: readonly string[], sign: 1 | -1): void {
  const n = poll.options.length
  t.voters += sign
  choices.forEach((id, rank) => {
    const c = (t.counts[id] ??= [0, 0])
    if (poll.type === 'ranked') {
      if (rank === 0) c[0] += sign
      c[1] += sign * (n - 1 - rank)
    } else {
      c[0] += sign
      c[1] += sign
    }
  })
}

export function toResults (t: Tally, poll: Poll): PollResults {
  return {
    voters: t.voters,
    options: poll.options.map(o => {
      const c = t.counts[o.id]
      return { id: o.id, votes: c?.[0] ?? 0, points: c?.[1] ?? 0 }
    }),
    version: t.version
  }
}

/** Tallies from scratch, to check (or rebuild) the maintained counters. */
export function recount (poll: Poll, allChoices: readonly string[][], version = 0): Tally {
  const t = emptyTally(poll.id)
  t.version = version
  for (const c of allChoices) applyChoices(t, poll, c, 1)
  return t
}

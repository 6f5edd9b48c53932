/** Kysely table types. Portable across SQLite and PostgreSQL: JSON as text, booleans as 0/1, ISO timestamps as text. */
export interface SitesTable {
  id: string
  name: string
  /** JSON string[] of normalised origins. */
  origins: string
  /** JSON SiteIdentity or null. */
  identity: string | null
  created_at: string
  updated_at: string
}

export interface PollsTable {
  id: string
  site_id: string
  question: string
  description: string | null
  type: string
  max_choices: number | null
  /** JSON [{id,label}]. */
  options: string
  opens_at: string | null
  closes_at: string | null
  /** Set by a manual close. */
  closed_at: string | null
  results_visibility: string
  allow_change: number
  verified_only: number
  created_at: string
  updated_at: string
}

export interface VotesTable {
  poll_id: string
  /** `v:<sub>` for verified votes, `p:<participantId>` otherwise; unique per poll. */
  voter_key: string
  /** The participant who cast it (also for verified votes), to find "my vote". */
  participant_id: string | null
  /** JSON string[] of option ids, ordered for ranked polls. */
  choices: string
  idempotency_key: string
  verified: number
  created_at: string
  updated_at: string
}

/** Maintained counters, updated in the same transaction as the votes they count. */
export interface PollTalliesTable {
  poll_id: string
  version: number
  voters: number
  /** JSON { [optionId]: [votes, points] }. */
  tallies: string
}

export interface SecretsTable {
  name: string
  value: string
}

export interface DB {
  sites: SitesTable
  polls: PollsTable
  votes: VotesTable
  poll_tallies: PollTalliesTable
  secrets: SecretsTable
}

/** Kysely table types. Portable across SQLite and PostgreSQL: JSON as text, booleans as 0/1, ISO timestamps as text. */
export interface SitesTable {
  id: string
  name: string
  /** JSON string[] of normalised origins. */
  origins: string
  /** JSON SiteIdentity or null. */
  identity: string | null
  /** JSON partial CommentSettings, or null for all defaults. */
  comment_settings: string | null
  /** 'en' | 'fr' | 'de' | 'es' | 'nl' | 'ar', or null. */
  default_locale: string | null
  /** Raw responses are deleted this many months after their poll or consultation closed; null = kept. */
  retention_months: number | null
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
  /** The page of the latest vote (URL without query and fragment); null when none was sent (008). */
  page: string | null
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
  /** JSON KeptActivity (votes-repo.ts): per day and by page, of votes retention deleted; absent/null before. */
  kept_activity?: string | null
}

export interface SecretsTable {
  name: string
  value: string
}

export interface CommentThreadsTable {
  id: string
  site_id: string
  /** Canonical page URL or an editor-chosen key; unique per site. */
  key: string
  closes_at: string | null
  /** Set by a manual close. */
  closed_at: string | null
  /** 'post' | 'pre' | 'first', or null for the site's default. */
  moderation: string | null
  /** Published comments, replies included. */
  comment_count: number
  /** Grows by one per change to one of its comments: the SSE event id. */
  seq: number
  created_at: string
  updated_at: string
}

export interface CommentsTable {
  id: string
  thread_id: string
  site_id: string
  parent_id: string | null
  /** The depth-0 comment of its subtree (itself at depth 0). */
  root_id: string
  depth: number
  /** Flattened replies: the depth-2 comment this one answers. */
  reply_to_id: string | null
  reply_to_name: string | null
  participant_id: string | null
  /** `v:<sub>` for verified authors, `p:<participantId>` otherwise. */
  author_key: string
  author_name: string
  verified: number
  body: string
  /** 'published' | 'pending' | 'hidden' | 'rejected' | 'deleted'. */
  status: string
  held_reason: string | null
  reject_reason: string | null
  up: number
  down: number
  /** up - down, for the `top` sort. */
  score: number
  /** Published comments below it in the tree. */
  published_replies: number
  open_reports: number
  /** Thread seq of its last change. */
  seq: number
  /** Thread seq at which it last became published; null when never. */
  published_seq: number | null
  idempotency_key: string | null
  created_at: string
  edited_at: string | null
  updated_at: string
}

export interface CommentVotesTable {
  comment_id: string
  voter_key: string
  /** 1 or -1 (a removed vote is deleted). */
  value: number
  updated_at: string
}

export interface CommentReportsTable {
  comment_id: string
  reporter_key: string
  reason: string
  details: string | null
  created_at: string
  /** Set when a moderator approved or rejected the comment. */
  resolved_at: string | null
}

export interface CommentBansTable {
  id: string
  site_id: string
  /** The banned author key. */
  subject: string
  participant_id: string | null
  comment_id: string | null
  reason: string | null
  created_at: string
}

export interface ConsultationsTable {
  id: string
  site_id: string
  /** 'yes-no' | 'scale' | 'emoji' | 'choice' | 'text'. */
  type: string
  question: string
  description: string | null
  /** JSON [{id,label}] (choice; [] otherwise). */
  options: string
  not_sure: number
  /** JSON {low,mid,high} or null. */
  scale_labels: string | null
  max_length: number
  follow_up: string | null
  /** JSON [{id,label}] or null (no area question). */
  areas: string | null
  /** JSON {paths, sections, siteWide}. */
  targeting: string
  sampling: number
  cap_days: number
  opens_at: string | null
  closes_at: string | null
  /** Set by a manual close. */
  closed_at: string | null
  results_visibility: string
  next_steps: string | null
  /** "You said, we did": all null until staff publish it. */
  outcome_status: string | null
  outcome_text: string | null
  /** YYYY-MM-DD, as staff give it. */
  outcome_date: string | null
  outcome_link: string | null
  outcome_updated_at: string | null
  created_at: string
  updated_at: string
}

/** One row per participant per consultation (unique), upserted. */
export interface ConsultationResponsesTable {
  id: string
  consultation_id: string
  participant_id: string
  answer: string
  follow_up: string | null
  area: string | null
  /** The page URL without query and fragment. */
  page: string
  section: string | null
  locale: string | null
  /** The key of the request that wrote the stored answer (`auto:<uuid>` without one). */
  idempotency_key: string
  created_at: string
  updated_at: string
}

/** Counts of a consultation's raw responses deleted by retention; results add them to what is left. */
export interface ConsultationAggregatesTable {
  consultation_id: string
  /** JSON { cells: [area, answer, n][], pages: [page, n][], daily: [date, n][], followUps }. */
  counts: string
  responses: number
  updated_at: string
}

/** A project on the map: staff-made, imported, or submitted by a resident (then reviewed). */
export interface ProjectsTable {
  id: string
  site_id: string
  title: string
  category: string
  /** 'planned' | 'in_progress' | 'completed'. */
  status: string
  /** YYYY-MM-DD. */
  start_date: string
  end_date: string | null
  address: string | null
  description: string
  /** The city's public contact line. */
  contact: string | null
  link: string | null
  /** JSON GeoJSON geometry (WGS84). */
  geometry: string
  /** 'pending' | 'approved' | 'rejected': only approved ones are public. */
  review: string
  reject_reason: string | null
  /** 'staff' | 'import' | 'resident'. */
  source: string
  /** A resident's email, for staff only. */
  submitter_email: string | null
  participant_id: string | null
  idempotency_key: string | null
  created_at: string
  updated_at: string
  reviewed_at: string | null
}

/** One per site with a map: its settings and the version of its public projects. */
export interface ProjectMapsTable {
  site_id: string
  /** JSON partial MapSettings, or null for all defaults. */
  settings: string | null
  version: number
  updated_at: string
}

/** A staff account of the console. */
export interface UsersTable {
  id: string
  /** Lower-cased and trimmed. */
  email: string
  name: string
  /** 'admin' | 'editor' | 'moderator'. */
  role: string
  /** `scrypt$N$r$p$salt$hash` (base64url parts). */
  password_hash: string
  created_at: string
  updated_at: string
  last_login_at: string | null
}

/** A console sign-in: the cookie's token is stored only as its sha256. */
export interface SessionsTable {
  token_hash: string
  user_id: string
  csrf_secret: string
  created_at: string
  last_seen_at: string
  expires_at: string
}

/** Shared token buckets (PostgreSQL only; SQLite keeps them in memory). Times in epoch ms. */
export interface RateBucketsTable {
  key: string
  tokens: number
  at: number
  full_at: number
  granted: number
  cap: number
  per_ms: number
}

export interface SignInFailuresTable {
  /** `email:<normalised email>` or `ip:<address>`. */
  key: string
  /** Epoch milliseconds. */
  at: number
}

export interface AuditLogTable {
  id: string
  at: string
  /** Null: the ADMIN_TOKEN service credential. */
  actor_id: string | null
  actor_email: string | null
  action: string
  target_type: string
  target_id: string | null
  /** JSON object or null. */
  details: string | null
}

export interface DB {
  sites: SitesTable
  polls: PollsTable
  votes: VotesTable
  poll_tallies: PollTalliesTable
  secrets: SecretsTable
  comment_threads: CommentThreadsTable
  comments: CommentsTable
  comment_votes: CommentVotesTable
  comment_reports: CommentReportsTable
  comment_bans: CommentBansTable
  consultations: ConsultationsTable
  consultation_responses: ConsultationResponsesTable
  consultation_aggregates: ConsultationAggregatesTable
  projects: ProjectsTable
  project_maps: ProjectMapsTable
  users: UsersTable
  sessions: SessionsTable
  audit_log: AuditLogTable
  rate_buckets: RateBucketsTable
  sign_in_failures: SignInFailuresTable
}

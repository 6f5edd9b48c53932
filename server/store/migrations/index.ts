import type { Migration, MigrationProvider } from 'kysely'
import * as m001 from './001_initial.ts'
import * as m002 from './002_verified_participant_index.ts'
import * as m003 from './003_comments.ts'
import * as m004 from './004_consultations.ts'
import * as m005 from './005_projects.ts'
import * as m006 from './006_accounts.ts'
import * as m007 from './007_site_settings.ts'
import * as m008 from './008_vote_pages.ts'
import * as m009 from './009_poll_activity_kept.ts'
import * as m010 from './010_rate_buckets.ts'
import * as m011 from './011_sign_in_failures.ts'

/** In-code provider: migrations ship inside the bundle, no directory scanning at runtime. */
export const migrationProvider: MigrationProvider = {
  async getMigrations (): Promise<Record<string, Migration>> {
    return { '001_initial': m001, '002_verified_participant_index': m002, '003_comments': m003, '004_consultations': m004, '005_projects': m005, '006_accounts': m006, '007_site_settings': m007, '008_vote_pages': m008, '009_poll_activity_kept': m009, '010_rate_buckets': m010, '011_sign_in_failures': m011 }
  }
}

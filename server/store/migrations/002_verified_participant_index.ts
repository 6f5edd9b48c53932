import { sql } from 'kysely'
import type { Kysely } from 'kysely'

/**
 * "My vote" on a verified poll is found by participant id; for every other vote the voter key
 * already is `p:<participantId>`. A partial index on verified votes only saves a b-tree write
 * on every anonymous vote (the hot path).
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('votes_participant_idx').execute()
  await db.schema.createIndex('votes_verified_participant_idx').on('votes')
    .columns(['poll_id', 'participant_id'])
    .where(sql.ref('verified'), '=', 1)
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('votes_verified_participant_idx').execute()
  await db.schema.createIndex('votes_participant_idx').on('votes').columns(['poll_id', 'participant_id']).execute()
}

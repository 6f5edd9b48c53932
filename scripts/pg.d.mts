/** Types for scripts/pg.mjs. */
export function findPgBin (): string | null
export function startPostgres (opts?: { log?: (msg: string) => void; database?: string }): Promise<{ url: string; dataDir: string; stop (): void }>
/** pg_ctl restart -m fast on the cluster of `dataDir` (from startPostgres). */
export function restartPostgres (dataDir: string): Promise<void>

/** Types for scripts/pg.mjs. */
export function findPgBin (): string | null
export function startPostgres (opts?: { log?: (msg: string) => void; database?: string }): Promise<{ url: string; stop (): void }>

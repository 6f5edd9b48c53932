/**
 * A closing date moved to now or before (an edit) closes a poll or consultation now, and says so in
 * `closedAt`: retention counts from when it really closed, not from a date typed in the past.
 */
export function closeNowIfDatePassed (item: { closesAt: string | null; closedAt: string | null }, edited: string | null | undefined): void {
  const now = new Date().toISOString()
  if (edited !== undefined && item.closesAt !== null && item.closesAt <= now) item.closedAt ??= now
}

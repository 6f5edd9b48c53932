/** A `Range: bytes=…` header read per RFC 9110 §14: one range only; anything else is ignored. */
export type RangeResult =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' }

const SPEC = /^bytes=(\d*)-(\d*)$/i

/**
 * `full` when the header is absent, invalid, in another unit or asks for several ranges (a server
 * may ignore Range; the file is small enough to send whole, and no client of ours asks for more
 * than one). A range starting at or past the end, or a zero-length suffix, is unsatisfiable;
 * an end past the file is cut to its last byte.
 */
export function parseRange (header: string | undefined, size: number): RangeResult {
  if (header === undefined) return { kind: 'full' }
  const m = SPEC.exec(header.trim().replace(/\s+/g, ''))
  if (!m) return { kind: 'full' }
  const [, first, last] = m
  if (first === '' && last === '') return { kind: 'full' }
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? Infinity : Number(last)
  if (!Number.isSafeInteger(start) || end < start) return { kind: 'full' }
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end: Math.min(end, size - 1) }
}

/** RFC 9110 §13.1.2: weak comparison, a list of tags or `*`. */
export function noneMatch (header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  const bare = (t: string) => t.trim().replace(/^W\//, '')
  return header.split(',').some(t => t.trim() === '*' || bare(t) === bare(etag))
}

/**
 * CSV that spreadsheets open safely: a cell starting with = + - @ TAB or CR is prefixed with `'`
 * so it is never evaluated as a formula (OWASP "CSV injection"), then quoted per RFC 4180.
 */
export function csvCell (value: string | number | boolean | null): string {
  if (value === null) return ''
  let s = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export function csvRow (cells: ReadonlyArray<string | number | boolean | null>): string {
  return cells.map(csvCell).join(',') + '\r\n'
}

/** A domain error: services throw it, the error handler maps it to `{ error: { code, message, details? } }`. */
export class AppError extends Error {
  readonly status: number
  readonly code: string
  readonly details?: unknown
  /** Extra response headers, e.g. Retry-After on 429. */
  readonly headers?: Record<string, string>

  constructor (status: number, code: string, message: string, details?: unknown, headers?: Record<string, string>) {
    super(message)
    this.name = 'AppError'
    this.status = status
    this.code = code
    this.details = details
    this.headers = headers
  }
}

export const notFound = (what: string) => new AppError(404, 'NOT_FOUND', `${what} not found`)

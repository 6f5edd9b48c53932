import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../services/errors.ts'
import { isDatabaseUnavailable } from '../store/db.ts'

export function errorBody (code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } }
}

const CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'BAD_JSON', 'The body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'BAD_JSON', 'The body is empty'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', 'The body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'Send application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'Content-Length does not match the body']
}

const upperSnake = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '')

/**
 * The one place errors become responses: `{ error: { code, message, details? } }`.
 * Bad input maps to a 4xx; anything unexpected is logged and answered with a bare 500.
 */
export function errorHandler (err: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) {
    if (err.headers) reply.headers(err.headers)
    if (err.status >= 500) req.log.warn({ code: err.code }, err.message)
    return reply.code(err.status).send(errorBody(err.code, err.message, err.details))
  }
  if (err.validation) {
    const details = err.validation.map(v => ({ path: `${err.validationContext ?? ''}${v.instancePath}`, message: v.message }))
    return reply.code(400).send(errorBody('BAD_REQUEST', err.message, details))
  }
  const known = err.code ? CODES[err.code] : undefined
  if (known) return reply.code(known[0]).send(errorBody(known[1], known[2]))
  if (err instanceof SyntaxError) return reply.code(400).send(errorBody('BAD_JSON', 'The body is not valid JSON'))
  if (err.statusCode === undefined && isDatabaseUnavailable(err)) {
    // The database is restarting or out of reach: the pool reconnects by itself, the client retries.
    req.log.warn({ code: err.code }, `database unavailable: ${err.message}`)
    return reply.code(503).header('retry-after', '1').send(errorBody('SERVICE_UNAVAILABLE', 'The service is briefly unavailable; try again in a moment'))
  }
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) {
    return reply.code(status).send(errorBody(upperSnake(STATUS_CODES[status] ?? 'BAD_REQUEST'), err.message))
  }
  req.log.error({ err }, 'unhandled error')
  return reply.code(500).send(errorBody('INTERNAL', 'Something went wrong on our side'))
}

export function notFoundHandler (req: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send(errorBody('NOT_FOUND', `No route for ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}`))
}

/** Malformed URLs and similar, caught by the router before any route runs. */
export function frameworkErrors (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  return reply.code(400).send(errorBody('BAD_REQUEST', err.message))
}

/**
 * Requests Node's HTTP parser rejects (broken framing, a header block over 16 KB, a timeout)
 * never reach a route: answer them in the same error shape, then close the connection.
 */
export function clientErrorHandler (err: NodeJS.ErrnoException, socket: Duplex) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  // A route already answered (e.g. a 415 before the broken body was read): a second status line
  // would corrupt that answer. Send what is queued and close.
  if ((socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.end()
    return
  }
  const [status, code, message] = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive']
    : err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'The request line and headers are over 16 KB']
      : [400, 'BAD_REQUEST', 'The request is not valid HTTP']
  const body = JSON.stringify(errorBody(code, message))
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy(err)
}

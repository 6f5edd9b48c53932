import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'

/** A file name from an id: letters, digits, `-` and `_` only (it goes into a header). */
export const safeName = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, '')

/** Streams an export as an attachment; the first chunk is pulled before answering so an unknown id is still a JSON 404. */
export async function download (reply: FastifyReply, rows: AsyncGenerator<string>, type: string, filename: string) {
  const first = await rows.next()
  const body = Readable.from((async function * () {
    if (!first.done) yield first.value
    yield * rows
  })())
  return reply
    .header('content-type', `${type}; charset=utf-8`)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(body)
}

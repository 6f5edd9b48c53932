import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** One Server-Sent Events frame. JSON never holds a raw newline, so `data:` stays one line. */
export function sseFrame (event: string, id: number, data: unknown): string {
  return `event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`
}

export interface StreamSubscription {
  /** Called at each heartbeat (e.g. to re-evaluate what the reader may see). */
  recheck? (): Promise<void>
  close (): void
}

/**
 * Live streams of one route plugin: the subscription is made before the response starts (so an
 * unknown resource is still a JSON 404), frames sent meanwhile are buffered, a heartbeat keeps
 * proxies from closing the stream, and every stream ends when the server shuts down (otherwise
 * close would wait for them forever).
 */
export function eventStreams (app: FastifyInstance, heartbeatMs: number) {
  const streams = new Set<ServerResponse>()
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
    for (const res of streams) res.end()
  })

  return async function open (req: FastifyRequest, reply: FastifyReply,
    subscribe: (send: (frame: string) => void) => Promise<StreamSubscription>): Promise<void> {
    const pending: string[] = []
    let res: ServerResponse | null = null
    const send = (frame: string) => {
      if (res) res.write(frame)
      else pending.push(frame)
    }
    const sub = await subscribe(send)

    reply.hijack()
    res = reply.raw
    res.writeHead(200, {
      ...reply.getHeaders() as OutgoingHttpHeaders, // CORS headers set by the hook
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no' // nginx: do not buffer the stream
    })
    if (req.method === 'HEAD') {
      // A body-less response sends its headers only when it ends: a HEAD stream would hang open.
      sub.close()
      res.end()
      return
    }
    res.write(`retry: 3000\n\n${pending.join('')}`)
    streams.add(res)
    const heartbeat = setInterval(() => {
      res!.write(': heartbeat\n\n')
      sub.recheck?.().catch(err => req.log.warn({ err }, 'live recheck failed'))
    }, heartbeatMs)
    let ended = false
    const done = () => {
      if (ended) return
      ended = true
      clearInterval(heartbeat)
      sub.close()
      streams.delete(res!)
    }
    res.on('close', done)
    res.on('error', done)
    // The reader may have gone while we subscribed (then 'close' has fired already),
    // or the server began shutting down meanwhile.
    if (res.destroyed || req.raw.destroyed) done()
    else if (closing) res.end()
  }
}

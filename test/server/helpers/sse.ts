import http from 'node:http'

export interface SseEvent { event: string; id: string; data: any }

export interface SseClient {
  status: number
  headers: http.IncomingHttpHeaders
  events: SseEvent[]
  comments: string[]
  ended: Promise<void>
  /** Resolves with the first event (already received or future) matching `pred`. */
  waitFor (pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>
  close (): void
}

/** A minimal EventSource over node:http, enough to test the stream's framing. */
export function openSse (url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, res => {
      const client: SseClient = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        comments: [],
        ended: new Promise(r => res.on('close', () => r())),
        waitFor (pred, timeoutMs = 3000) {
          const hit = client.events.find(pred)
          if (hit) return Promise.resolve(hit)
          return new Promise((res2, rej) => {
            const timer = setTimeout(() => { waiters.delete(w); rej(new Error('no matching SSE event in time')) }, timeoutMs)
            const w = (e: SseEvent) => { if (pred(e)) { clearTimeout(timer); waiters.delete(w); res2(e) } }
            waiters.add(w)
          })
        },
        close: () => req.destroy()
      }
      const waiters = new Set<(e: SseEvent) => void>()
      let buf = ''
      res.setEncoding('utf8')
      res.on('data', chunk => {
        buf += chunk
        let i
        while ((i = buf.indexOf('\n\n')) !== -1) {
          const block = buf.slice(0, i)
          buf = buf.slice(i + 2)
          const e: Partial<SseEvent> = {}
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim())
            else if (line.startsWith('event: ')) e.event = line.slice(7)
            else if (line.startsWith('id: ')) e.id = line.slice(4)
            else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6))
          }
          if (e.event) {
            client.events.push(e as SseEvent)
            for (const w of [...waiters]) w(e as SseEvent)
          }
        }
      })
      resolve(client)
    })
    req.on('error', err => { if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err) })
  })
}

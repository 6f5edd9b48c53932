import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '../../..')

export interface ChildServer {
  proc: ChildProcess
  url: string
  logs: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Runs the real entry point (server/server.ts) and resolves once it listens. */
export function startChildServer (env: Record<string, string>): Promise<ChildServer> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEMO: '0', SEED: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const logs: string[] = []
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve =>
    proc.on('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join('\n')}`)), 20_000)
    const onData = (chunk: Buffer) => {
      buf += chunk.toString()
      let i
      while ((i = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 1)
        logs.push(line)
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
        if (m) {
          clearTimeout(timer)
          resolve({ proc, url: m[1]!, logs, exited })
        }
      }
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', onData)
    exited.then(r => { clearTimeout(timer); reject(new Error(`server exited early (${r.code}):\n${logs.join('\n')}`)) })
  })
}

#!/usr/bin/env node
// A throwaway PostgreSQL for tests and benches.
//   module: const { url, stop } = await startPostgres()
//   CLI:    node scripts/pg.mjs -- <command …>   runs the command with DATABASE_URL set,
//           stops the cluster afterwards and exits with the command's code.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const isRoot = process.getuid?.() === 0

function onPath (name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, name))) return dir
  }
  return null
}

/** The directory holding initdb and pg_ctl: PATH first, then Debian's /usr/lib/postgresql/<v>/bin (newest). */
export function findPgBin () {
  const dir = onPath('initdb')
  // PATH often holds symlinks (/usr/local/bin/initdb → …/15/bin/initdb): use the real directory,
  // where the companion tools (createdb) live too.
  if (dir && fs.existsSync(path.join(dir, 'pg_ctl'))) return path.dirname(fs.realpathSync(path.join(dir, 'initdb')))
  const base = '/usr/lib/postgresql'
  if (!fs.existsSync(base)) return null
  const versions = fs.readdirSync(base).filter(v => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a))
  for (const v of versions) {
    const bin = path.join(base, v, 'bin')
    if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'pg_ctl'))) return bin
  }
  return null
}

function ensurePgBin (log) {
  let bin = findPgBin()
  if (bin) return bin
  if (!isRoot) {
    throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found. Install them, e.g. ' +
      '`sudo apt-get install postgresql` (Debian/Ubuntu) or `brew install postgresql`, or put them on PATH.')
  }
  log('installing postgresql with apt-get …')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env })
  bin = findPgBin()
  if (!bin) throw new Error('apt-get installed postgresql but initdb/pg_ctl are still missing')
  return bin
}

function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/**
 * Starts a fresh cluster in a temp dir, listening only on 127.0.0.1 (socket in the temp dir),
 * with one database. As root, PostgreSQL refuses to run, so it runs as the `postgres` user.
 */
export async function startPostgres ({ log = msg => process.stderr.write(`[pg] ${msg}\n`), database = 'civic' } = {}) {
  const bin = ensurePgBin(log)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-pg-'))
  const data = path.join(dir, 'data')
  const asPg = (cmd, args) => isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
  const run = (cmd, args) => {
    const [c, a] = asPg(path.join(bin, cmd), args)
    execFileSync(c, a, { stdio: ['ignore', 'pipe', 'pipe'] })
  }
  if (isRoot) {
    fs.chmodSync(dir, 0o700)
    execFileSync('chown', ['postgres:postgres', dir])
  }
  let started = false
  const stop = () => {
    if (started) {
      try { run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']) } catch (err) { log(`pg_ctl stop failed: ${err.message}`) }
      started = false
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'])
    const port = await freePort()
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c max_connections=300`
    run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start'])
    started = true
    const url = `postgres://postgres@127.0.0.1:${port}/${database}`
    await createDatabase(bin, port, database, run)
    log(`PostgreSQL ready at ${url}`)
    return { url, dataDir: data, stop }
  } catch (err) {
    const logFile = path.join(dir, 'server.log')
    if (fs.existsSync(logFile)) log(fs.readFileSync(logFile, 'utf8').slice(-2000))
    stop()
    throw new Error(`could not start PostgreSQL: ${err.stderr?.toString() || err.message}`)
  }
}

/**
 * `pg_ctl restart -m fast` on a cluster from startPostgres (`dataDir`; same options: pg_ctl reads
 * postmaster.opts), for outage tests. Asynchronous, so that a test keeps its load running while
 * the database goes away.
 */
export function restartPostgres (dataDir) {
  const bin = findPgBin()
  if (!bin) return Promise.reject(new Error('pg_ctl not found'))
  const logFile = path.join(path.dirname(dataDir), 'server.log')
  const args = [path.join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'fast', '-l', logFile, '-w', '-t', '30', 'restart']
  const [cmd, rest] = isRoot ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)]
  // stdio ignored: the restarted postmaster would otherwise hold our pipes open.
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, rest, { stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', code => code === 0 ? resolve() : reject(new Error(`pg_ctl restart exited ${code}; see ${logFile}`)))
  })
}

/** createdb when the install has it, else a plain CREATE DATABASE through the project's `pg` client. */
async function createDatabase (bin, port, database, run) {
  if (fs.existsSync(path.join(bin, 'createdb'))) {
    run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database])
    return
  }
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` })
  await client.connect()
  try { await client.query(`create database "${database}"`) } finally { await client.end() }
}

async function main () {
  const sep = process.argv.indexOf('--')
  const cmd = sep === -1 ? [] : process.argv.slice(sep + 1)
  if (cmd.length === 0) {
    process.stderr.write('usage: node scripts/pg.mjs -- <command …>\n')
    process.exit(2)
  }
  let pg
  try {
    pg = await startPostgres()
  } catch (err) {
    process.stderr.write(`${err.message}\n`)
    process.exit(1)
  }
  const child = spawn(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DATABASE_URL: pg.url } })
  const forward = sig => child.kill(sig)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  const code = await new Promise(resolve => {
    child.on('error', err => { process.stderr.write(`${err.message}\n`); resolve(127) })
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)))
  })
  pg.stop()
  process.exit(code)
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main()

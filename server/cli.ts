import readline from 'node:readline'
import { parseArgs } from 'node:util'
import { loadConfig } from './config.ts'
import { AccountService, normaliseEmail, ROLES } from './services/accounts.ts'
import { LoginLimiter } from './services/login-limiter.ts'
import { SessionService } from './services/sessions.ts'
import { migrateToLatest, openDatabase } from './store/db.ts'
import { findUserByEmail } from './store/users-repo.ts'
import type { Role } from './store/users-repo.ts'

const USAGE = `Usage (same environment as the server: DATABASE_URL or DATA_DIR):
  npm run admin -- create-admin --email <email> --name <name> [--role admin|editor|moderator] [--password-stdin]
  npm run admin -- reset-password --email <email> [--password-stdin]
The password is asked for (not echoed), or read from the first line of stdin with --password-stdin.`

/** Reads the first line of stdin (piped), or asks twice without echo (terminal). */
async function readPassword (fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    if (!fromStdin) throw new Error('stdin is not a terminal: pipe the password with --password-stdin')
    let text = ''
    for await (const chunk of process.stdin) text += String(chunk)
    return text.split(/\r?\n/)[0] ?? ''
  }
  const ask = (q: string) => new Promise<string>(resolve => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true })
    process.stdout.write(q)
    // Swallow the echo of what is typed.
    ;(rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {}
    rl.question('', answer => { rl.close(); process.stdout.write('\n'); resolve(answer) })
  })
  const first = await ask('Password: ')
  if (await ask('Again: ') !== first) throw new Error('The passwords differ')
  return first
}

async function main (argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' } }
  })
  if ((command !== 'create-admin' && command !== 'reset-password') || !values.email) {
    console.error(USAGE)
    return 2
  }
  const role = (values.role ?? 'admin') as Role
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`)
  if (command === 'create-admin' && !values.name) throw new Error('--name is required')
  const config = loadConfig()
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema, poolSize: 2 })
  try {
    await migrateToLatest(db, config.databaseSchema)
    const accounts = new AccountService(db, new SessionService(db), new LoginLimiter(db.kysely))
    if (command === 'create-admin') {
      const password = await readPassword(values['password-stdin'] === true)
      const user = await accounts.create({ email: values.email, name: values.name!, role, password })
      console.log(`Created ${user.role} ${user.email} (id ${user.id}). Sign in at /admin/.`)
    } else {
      const user = await findUserByEmail(db.kysely, normaliseEmail(values.email))
      if (!user) throw new Error(`No user ${values.email}`)
      const password = await readPassword(values['password-stdin'] === true)
      await accounts.update(user.id, { password })
      console.log(`New password set for ${user.email}; their sessions have ended.`)
    }
    return 0
  } finally {
    await db.close()
  }
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  const e = err as { message?: string; details?: unknown }
  console.error(`Error: ${e.message ?? String(err)}${e.details ? ` ${JSON.stringify(e.details)}` : ''}`)
  process.exitCode = 1
}

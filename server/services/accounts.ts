import crypto from 'node:crypto'
import type { Database } from '../store/db.ts'
import { isUniqueViolation } from '../store/db.ts'
import { countUsers, deleteUser, findUserByEmail, getUser, insertUser, listUsers, updateUser } from '../store/users-repo.ts'
import type { Role, User, UserWithHash } from '../store/users-repo.ts'
import { AppError, notFound } from './errors.ts'
import type { LoginLimiter } from './login-limiter.ts'
import { dummyHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.ts'
import type { SessionService } from './sessions.ts'

export const ROLES: readonly Role[] = ['admin', 'editor', 'moderator']
/** Each role may do what the roles after it may: admin ⊇ editor ⊇ moderator. */
const RANK: Record<Role, number> = { moderator: 1, editor: 2, admin: 3 }
export const roleAllows = (have: Role, need: Role) => RANK[have] >= RANK[need]

export interface NewUser { email: string; name: string; role: Role; password: string }

const SETUP_PREFIX = 'setup_token:'
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('base64url')
export const normaliseEmail = (email: string) => email.trim().toLowerCase()
const view = ({ passwordHash: _, ...u }: UserWithHash): User => u

function checkNewUser (u: { email?: string; name?: string; password?: string }): void {
  const problems: Record<string, string> = {}
  if (u.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(normaliseEmail(u.email))) problems.email = 'not an email address'
  if (u.name !== undefined && u.name.trim() === '') problems.name = 'empty'
  if (u.password !== undefined && [...u.password].length < MIN_PASSWORD_LENGTH) problems.password = `at least ${MIN_PASSWORD_LENGTH} characters`
  if (Object.keys(problems).length) throw new AppError(422, 'INVALID_USER', 'The user is not valid', problems)
}

/** Staff accounts: sign-in with brute-force brake, user management, first-admin setup. */
export class AccountService {
  readonly #db: Database
  readonly #sessions: SessionService
  readonly #limiter: LoginLimiter

  constructor (db: Database, sessions: SessionService, limiter: LoginLimiter) {
    this.#db = db
    this.#sessions = sessions
    this.#limiter = limiter
  }

  /** Same 401 for an unknown email and a wrong password, and the same work (a scrypt) for both. */
  async login (emailIn: string, password: string, ip: string): Promise<{ user: User; token: string; csrfToken: string }> {
    const email = normaliseEmail(emailIn)
    const keys = [`email:${email}`, `ip:${ip}`]
    const wait = await this.#limiter.retryAfter(keys)
    if (wait > 0) {
      throw new AppError(429, 'TOO_MANY_ATTEMPTS', 'Too many failed sign-ins; try again later', { retryAfter: wait }, { 'retry-after': String(wait) })
    }
    const user = await findUserByEmail(this.#db.kysely, email)
    const ok = await verifyPassword(password, user?.passwordHash ?? await dummyHash())
    if (!user || !ok) {
      await this.#limiter.fail(keys)
      throw new AppError(401, 'INVALID_CREDENTIALS', 'Wrong email or password')
    }
    await this.#limiter.clear(keys[0]!)
    const at = new Date().toISOString()
    await updateUser(this.#db.kysely, user.id, { lastLoginAt: at }, at)
    const { token, csrfToken } = await this.#sessions.create(user.id)
    return { user: { ...view(user), lastLoginAt: at }, token, csrfToken }
  }

  async list (): Promise<User[]> {
    return (await listUsers(this.#db.kysely)).map(view)
  }

  async get (id: string): Promise<User> {
    const u = await getUser(this.#db.kysely, id)
    if (!u) throw notFound('User')
    return view(u)
  }

  async create (input: NewUser): Promise<User> {
    checkNewUser(input)
    const at = new Date().toISOString()
    const user: UserWithHash = {
      id: crypto.randomBytes(8).toString('hex'), email: normaliseEmail(input.email), name: input.name.trim(), role: input.role,
      createdAt: at, lastLoginAt: null, passwordHash: await hashPassword(input.password)
    }
    try {
      await insertUser(this.#db.kysely, user)
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError(409, 'ALREADY_EXISTS', 'A user with this email exists')
      throw err
    }
    return view(user)
  }

  /** A password change signs the user out everywhere else (`keepSession`: the caller's own). */
  async update (id: string, patch: { name?: string; role?: Role; password?: string }, keepSession?: string): Promise<User> {
    checkNewUser(patch)
    const current = await getUser(this.#db.kysely, id)
    if (!current) throw notFound('User')
    if (patch.role && patch.role !== 'admin' && current.role === 'admin') await this.#keepAnAdmin()
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password)
    await updateUser(this.#db.kysely, id, { name: patch.name?.trim(), role: patch.role, passwordHash }, new Date().toISOString())
    if (passwordHash) await this.#sessions.endAllOf(id, keepSession)
    return this.get(id)
  }

  async remove (id: string): Promise<void> {
    const current = await getUser(this.#db.kysely, id)
    if (!current) throw notFound('User')
    if (current.role === 'admin') await this.#keepAnAdmin()
    await deleteUser(this.#db.kysely, id)
  }

  async #keepAnAdmin (): Promise<void> {
    if (await countUsers(this.#db.kysely, 'admin') <= 1) throw new AppError(409, 'LAST_ADMIN', 'The last admin cannot be removed or demoted')
  }

  async hasUsers (): Promise<boolean> {
    return await countUsers(this.#db.kysely) > 0
  }

  /**
   * At a start with no users: a fresh one-time setup token (its hash kept in `secrets`, so any
   * process accepts it). Returns undefined once someone exists.
   */
  async issueSetupToken (): Promise<string | undefined> {
    if (await this.hasUsers()) return undefined
    const token = crypto.randomBytes(24).toString('base64url')
    await this.#db.kysely.insertInto('secrets').values({ name: SETUP_PREFIX + sha256(token), value: new Date().toISOString() }).execute()
    return token
  }

  /** Creates the first admin with a setup token; the token (and every other) is then void. */
  async setup (token: string, input: Omit<NewUser, 'role'>): Promise<User> {
    checkNewUser(input)
    const name = SETUP_PREFIX + sha256(token)
    // Deleting the row is the claim: of two racing requests with one token, one wins.
    const claimed = await this.#db.kysely.deleteFrom('secrets').where('name', '=', name).executeTakeFirst()
    if (Number(claimed.numDeletedRows) !== 1 || await this.hasUsers()) {
      throw new AppError(401, 'INVALID_SETUP_TOKEN', 'This setup link is not valid (or an admin exists already)')
    }
    const user = await this.create({ ...input, role: 'admin' })
    await this.#db.kysely.deleteFrom('secrets').where('name', 'like', `${SETUP_PREFIX}%`).execute()
    return user
  }
}

import { Type } from 'typebox'
import type { Static } from 'typebox'
import { NullableTimestamp, Timestamp } from './common.ts'

export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('editor'), Type.Literal('moderator')], {
  description: 'admin: sites, users, settings, audit; editor: content, results, exports; moderator: moderation queues, read-only content'
})

const Email = Type.String({ minLength: 3, maxLength: 254 })
const Name = Type.String({ minLength: 1, maxLength: 200 })
/** The length floor is checked by the service (in characters, not UTF-16 units). */
const Password = Type.String({ minLength: 1, maxLength: 1024 })

export const UserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  createdAt: Timestamp,
  lastLoginAt: NullableTimestamp
})

export const SessionView = Type.Object({
  user: UserView,
  csrfToken: Type.String({ description: 'send as X-CSRF-Token on every POST/PUT/PATCH/DELETE made with the cookie' })
})

export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false })
export type LoginBody = Static<typeof LoginBody>

export const SetupBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200 }),
  email: Email,
  name: Name,
  password: Password
}, { additionalProperties: false })
export type SetupBody = Static<typeof SetupBody>

export const CreateUserBody = Type.Object({ email: Email, name: Name, role: RoleSchema, password: Password }, { additionalProperties: false })
export const PatchUserBody = Type.Object({
  name: Type.Optional(Name),
  role: Type.Optional(RoleSchema),
  password: Type.Optional(Password)
}, { additionalProperties: false })

export const UserList = Type.Object({ users: Type.Array(UserView) })

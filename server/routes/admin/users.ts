import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CreateUserBody, PatchUserBody, UserList, UserView } from '../../schemas/accounts.ts'
import { errorResponses, IdParams } from '../../schemas/common.ts'
import type { Services } from '../../services/index.ts'

const security: Array<Record<string, string[]>> = [{ admin: [] }, { session: [] }]
const tags = ['admin']
const config = { role: 'admin' as const }

/** Console accounts (admins only). */
export const adminUserRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const accounts = services.accounts

  app.get('/users', {
    config, schema: { summary: 'Console users', tags, security, response: { 200: UserList, ...errorResponses } }
  }, async () => ({ users: await accounts.list() }))

  app.post('/users', {
    config, schema: { summary: 'Create a console user', tags, security, body: CreateUserBody, response: { 201: UserView, ...errorResponses } }
  }, async (req, reply) => reply.code(201).send(await accounts.create(req.body)))

  app.patch('/users/:id', {
    config, schema: { summary: 'Rename, change role or set a new password (which signs the user out elsewhere)', tags, security, params: IdParams, body: PatchUserBody, response: { 200: UserView, ...errorResponses } }
  }, async req => accounts.update(req.params.id, req.body, req.admin?.session?.tokenHash))

  app.delete('/users/:id', {
    config, schema: { summary: 'Delete a console user (not the last admin)', tags, security, params: IdParams, response: { 204: Type.Null(), ...errorResponses } }
  }, async (req, reply) => {
    await accounts.remove(req.params.id)
    return reply.code(204).send(null)
  })
}

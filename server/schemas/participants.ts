import { Type } from 'typebox'

export const ParticipantCreated = Type.Object({
  token: Type.String({ description: 'Anonymous participant token `v1.<id>.<mac>`; send as `Authorization: Participant <token>`' })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { CombinedError } from '@urql/core'
import type { NewSessionFragment } from '../src/gql/graphql'
import { keepNewSession } from '../src/lib/newSession'
import { clearTokens, session } from '../src/lib/session'
import { current, setViewer } from '../src/lib/viewer'

const answer: NewSessionFragment = {
  __typename: 'AuthPayload',
  accessToken: 'a1',
  refreshToken: 'r1',
  user: { __typename: 'User', id: 'VXNlcjox', displayName: '黄志强', roles: ['RESIDENT'] },
  errors: [],
}

describe('keepNewSession', () => {
  beforeEach(() => {
    localStorage.clear()
    clearTokens(true)
    setViewer(null)
  })

  it('keeps the tokens and the user of a session the gateway started, once what the caller adds has run', () => {
    const seenBefore: unknown[] = []
    const started = keepNewSession(undefined, answer, () => seenBefore.push(session.tokens, current.viewer))
    expect(started).toEqual({ viewer: { id: 'VXNlcjox', displayName: '黄志强', roles: ['RESIDENT'] } })
    expect(seenBefore).toEqual([null, null])
    expect(session.tokens).toEqual({ accessToken: 'a1', refreshToken: 'r1' })
    expect(session.ended).toBe(false)
    expect(JSON.parse(localStorage.getItem('gridpoints.session')!)).toEqual({ accessToken: 'a1', refreshToken: 'r1' })
    expect(current.viewer).toEqual({ id: 'VXNlcjox', displayName: '黄志强', roles: ['RESIDENT'] })
  })

  it('says why a refused, failed or empty answer started nothing, and keeps nothing', () => {
    let ran = 0
    const refused: NewSessionFragment = {
      ...answer,
      accessToken: null,
      refreshToken: null,
      user: null,
      errors: [{ __typename: 'UserError', code: 'INVALID_CREDENTIALS', field: null, message: 'no' }],
    }
    expect(keepNewSession(undefined, refused, () => ran++)).toEqual({ failed: 'errors.INVALID_CREDENTIALS' })
    expect(keepNewSession(new CombinedError({ networkError: new Error('offline') }), undefined, () => ran++)).toEqual({ failed: 'errors.network' })
    expect(keepNewSession(undefined, { ...answer, user: null }, () => ran++)).toEqual({ failed: 'errors.unknown' })
    expect(ran).toBe(0)
    expect(session.tokens).toBeNull()
    expect(session.ended).toBe(true)
    expect(localStorage.getItem('gridpoints.session')).toBeNull()
    expect(current.viewer).toBeNull()
  })
})

import { describe, expect, it, beforeEach } from 'vitest'
import { CombinedError } from '@urql/core'
import { GraphQLError } from 'graphql'
import { expiresAt, isExpired } from '../src/lib/jwt'
import { isAuthError, payloadErrorKey, requestErrorKey } from '../src/lib/errors'
import { clearTokens, refreshSession, saveTokens, session } from '../src/lib/session'

function jwt(claims: object): string {
  const part = (value: object): string => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
  return `${part({ alg: 'HS256' })}.${part(claims)}.signature`
}

describe('access-token expiry', () => {
  it('reads exp from the payload', () => {
    expect(expiresAt(jwt({ exp: 1700000000, sub: '7' }))).toBe(1700000000)
    expect(expiresAt('not-a-token')).toBeNull()
  })

  it('counts a token as over a few seconds early, and an unreadable one as not', () => {
    const token = jwt({ exp: 1000 })
    expect(isExpired(token, 990)).toBe(false)
    expect(isExpired(token, 996)).toBe(true)
    expect(isExpired('garbage', 5000)).toBe(false)
  })
})

function graphQLError(code: string): CombinedError {
  return new CombinedError({ graphQLErrors: [new GraphQLError('no', { extensions: { code } })] })
}

describe('which failures mean "refresh the token"', () => {
  it('HTTP 401 and the token codes do', () => {
    const unauthorized = new CombinedError({ networkError: new Error('401'), response: { status: 401 } })
    expect(isAuthError(unauthorized, true)).toBe(true)
    expect(isAuthError(graphQLError('TOKEN_EXPIRED'), true)).toBe(true)
    expect(isAuthError(graphQLError('TOKEN_INVALID'), true)).toBe(true)
  })

  it('UNAUTHENTICATED does only while a token is held (older gateways take a bad token as anonymous)', () => {
    expect(isAuthError(graphQLError('UNAUTHENTICATED'), true)).toBe(true)
    expect(isAuthError(graphQLError('UNAUTHENTICATED'), false)).toBe(false)
  })

  it('other failures do not', () => {
    expect(isAuthError(graphQLError('FORBIDDEN'), true)).toBe(false)
    expect(isAuthError(new CombinedError({ networkError: new Error('offline') }), true)).toBe(false)
  })
})

describe('error messages', () => {
  it('photos get their own text, other payload errors their code', () => {
    expect(payloadErrorKey({ code: 'INVALID_INPUT', field: 'photos', message: 'x' })).toBe('errors.photos')
    expect(payloadErrorKey({ code: 'INSUFFICIENT_POINTS', field: null, message: 'x' })).toBe('errors.INSUFFICIENT_POINTS')
    expect(requestErrorKey(new CombinedError({ networkError: new Error('x') }))).toBe('errors.network')
    expect(requestErrorKey(graphQLError('RATE_LIMITED'))).toBe('errors.RATE_LIMITED')
    expect(requestErrorKey(graphQLError('SOMETHING_ELSE'))).toBe('errors.unknown')
  })
})

describe('refreshSession', () => {
  beforeEach(() => {
    localStorage.clear()
    clearTokens()
  })

  it('exchanges the refresh token once however many ask at the same time', async () => {
    saveTokens({ accessToken: 'a1', refreshToken: 'r1' })
    const asked: string[] = []
    const refresher = async (refreshToken: string) => {
      asked.push(refreshToken)
      await new Promise((r) => setTimeout(r, 5))
      return { accessToken: 'a2', refreshToken: 'r2' }
    }
    const results = await Promise.all([refreshSession(refresher), refreshSession(refresher), refreshSession(refresher)])
    expect(results).toEqual([true, true, true])
    expect(asked).toEqual(['r1'])
    expect(session.tokens).toEqual({ accessToken: 'a2', refreshToken: 'r2' })
    expect(JSON.parse(localStorage.getItem('gridpoints.session')!)).toEqual({ accessToken: 'a2', refreshToken: 'r2' })
  })

  it('ends the session when the refresh token is refused', async () => {
    saveTokens({ accessToken: 'a1', refreshToken: 'spent' })
    expect(await refreshSession(async () => null)).toBe(false)
    expect(session.tokens).toBeNull()
    expect(session.ended).toBe(true)
    expect(localStorage.getItem('gridpoints.session')).toBeNull()
  })

  it('keeps the session through a network failure, for the next try', async () => {
    saveTokens({ accessToken: 'a1', refreshToken: 'r1' })
    expect(await refreshSession(async () => Promise.reject(new Error('offline')))).toBe(false)
    expect(session.tokens).toEqual({ accessToken: 'a1', refreshToken: 'r1' })
  })
})

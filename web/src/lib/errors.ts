import type { CombinedError } from '@urql/core'

/** A payload error as the schema returns it. */
export interface PayloadError {
  code: string
  field?: string | null
  message: string
}

/** The catalogue key for a payload error: field-specific where the app has a better text. */
export function payloadErrorKey(error: PayloadError): string {
  if (error.field === 'photos' && error.code === 'INVALID_INPUT') return 'errors.photos'
  return `errors.${error.code}`
}

const AUTH_CODES = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID'])

/** Whether a failed request should be retried after refreshing the access token:
 * HTTP 401 or a token code (the gateway's contract), or UNAUTHENTICATED while holding a token
 * (gateways that still treat a bad token as anonymous). */
export function isAuthError(error: CombinedError, holdsToken: boolean): boolean {
  const status = (error.response as { status?: number } | undefined)?.status
  if (status === 401) return true
  return error.graphQLErrors.some((e) => {
    const code = e.extensions?.code
    return typeof code === 'string' && (AUTH_CODES.has(code) || (holdsToken && code === 'UNAUTHENTICATED'))
  })
}

/** The catalogue key for a failed request (network, top-level error). */
export function requestErrorKey(error: CombinedError): string {
  if (error.networkError) return 'errors.network'
  const code = error.graphQLErrors[0]?.extensions?.code
  if (code === 'RATE_LIMITED' || code === 'FORBIDDEN' || code === 'UNAUTHENTICATED') return `errors.${code}`
  return 'errors.unknown'
}

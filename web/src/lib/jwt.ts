/** Seconds since the epoch when a JWT expires, read from its payload (not verified: the
 * gateway verifies; the app only wants to refresh before sending a token that is over). */
export function expiresAt(token: string): number | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const exp = (JSON.parse(json) as { exp?: unknown }).exp
    return typeof exp === 'number' ? exp : null
  } catch {
    return null
  }
}

/** True when the token is over, or will be within `marginSeconds`. */
export function isExpired(token: string, nowSeconds: number, marginSeconds = 5): boolean {
  const exp = expiresAt(token)
  return exp !== null && exp - marginSeconds <= nowSeconds
}

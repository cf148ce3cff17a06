import { reactive, readonly } from 'vue'

/** The logged-in session: tokens kept in localStorage so a reload stays logged in. */
export interface Tokens {
  accessToken: string
  refreshToken: string
}

const STORAGE_KEY = 'gridpoints.session'

function load(): Tokens | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    const parsed = raw ? (JSON.parse(raw) as Partial<Tokens>) : null
    return parsed?.accessToken && parsed.refreshToken
      ? { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken }
      : null
  } catch {
    return null
  }
}

const state = reactive<{ tokens: Tokens | null; ended: boolean }>({ tokens: load(), ended: false })

export const session = readonly(state)

export function saveTokens(tokens: Tokens): void {
  state.tokens = tokens
  state.ended = false
  localStorage.setItem(STORAGE_KEY, JSON.stringify(tokens))
}

/** Forget the tokens; `ended` tells the login page the session ran out (not a logout). */
export function clearTokens(ended = false): void {
  state.tokens = null
  state.ended = ended
  localStorage.removeItem(STORAGE_KEY)
}

type Refresher = (refreshToken: string) => Promise<Tokens | null>

let inFlight: Promise<boolean> | null = null

/** Exchange the refresh token once, however many requests ask at the same time: the gateway
 * rotates refresh tokens and revokes the family when a spent one is reused, so two parallel
 * refreshes would log the user out. */
export function refreshSession(refresher: Refresher): Promise<boolean> {
  if (inFlight) return inFlight
  const current = state.tokens
  if (!current) return Promise.resolve(false)
  inFlight = refresher(current.refreshToken)
    .then((tokens) => {
      if (tokens) {
        saveTokens(tokens)
        return true
      }
      clearTokens(true)
      return false
    })
    .catch(() => false) // a network failure keeps the tokens: the next request tries again
    .finally(() => {
      inFlight = null
    })
  return inFlight
}

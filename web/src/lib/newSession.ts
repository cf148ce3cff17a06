import type { CombinedError } from '@urql/core'
import type { NewSessionFragment } from '../gql/graphql'
import { failureKey } from './outcome'
import { saveTokens } from './session'
import { setViewer, type Viewer } from './viewer'

/** How a login or a registration ended: the user now logged in, or the catalogue key of why not. */
export type NewSessionOutcome = { viewer: Viewer; failed?: never } | { failed: string; viewer?: never }

/** Reads the gateway's answer to login or register and, when it holds a session, keeps its
 * tokens and its user. `beforeKeeping` runs only then, before anything is kept: login drops
 * the live connection of whoever was logged in before. */
export function keepNewSession(
  error: CombinedError | undefined,
  payload: NewSessionFragment | undefined,
  beforeKeeping: () => void = () => {},
): NewSessionOutcome {
  const failed = failureKey(error, payload?.errors)
  if (failed || !payload?.accessToken || !payload.refreshToken || !payload.user) return { failed: failed ?? 'errors.unknown' }
  beforeKeeping()
  saveTokens({ accessToken: payload.accessToken, refreshToken: payload.refreshToken })
  const viewer = { id: payload.user.id, displayName: payload.user.displayName, roles: payload.user.roles }
  setViewer(viewer)
  return { viewer }
}

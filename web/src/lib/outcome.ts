import type { CombinedError } from '@urql/core'
import { payloadErrorKey, requestErrorKey, type PayloadError } from './errors'

/** The catalogue key of what went wrong with a mutation, or null when it succeeded. */
export function failureKey(
  error: CombinedError | undefined,
  payloadErrors: readonly PayloadError[] | undefined | null,
): string | null {
  if (error) return requestErrorKey(error)
  const first = payloadErrors?.[0]
  return first ? payloadErrorKey(first) : null
}

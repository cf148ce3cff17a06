/** Run an attempt until it gives a definitive answer, retrying only network failures.
 * The caller fixes the idempotency key before the first attempt, so every retry is the
 * same request to the gateway: a response lost on the way back never spends twice. */
export type Attempt<T> = { kind: 'answer'; value: T } | { kind: 'network' }

export interface RetryOptions {
  /** Waits before the next attempt (resolves at once when back online, for example). */
  pause: (attempt: number) => Promise<void>
  maxAttempts: number
  onRetry?: (attempt: number) => void
}

export async function untilAnswered<T>(
  attempt: () => Promise<Attempt<T>>,
  options: RetryOptions,
): Promise<Attempt<T>> {
  let result: Attempt<T> = { kind: 'network' }
  for (let n = 1; n <= options.maxAttempts; n++) {
    result = await attempt()
    if (result.kind === 'answer') return result
    if (n < options.maxAttempts) {
      options.onRetry?.(n)
      await options.pause(n)
    }
  }
  return result
}

/** Pause for the browser: back off (up to 5 s) but go at once when the network returns. */
export function browserPause(attempt: number): Promise<void> {
  const delay = Math.min(500 * 2 ** (attempt - 1), 5000)
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      window.removeEventListener('online', done)
      resolve()
    }
    const timer = setTimeout(done, delay)
    window.addEventListener('online', done)
  })
}

/** A fresh idempotency key for one tap. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID()
}

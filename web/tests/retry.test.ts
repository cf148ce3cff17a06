import { describe, expect, it } from 'vitest'
import { untilAnswered, type Attempt } from '../src/lib/retry'

describe('untilAnswered', () => {
  it('retries network failures with the same request until an answer comes', async () => {
    const sent: string[] = []
    const key = 'tap-1'
    const replies: Array<Attempt<string>> = [{ kind: 'network' }, { kind: 'network' }, { kind: 'answer', value: 'voucher' }]
    const retries: number[] = []
    const outcome = await untilAnswered(
      async () => {
        sent.push(key)
        return replies.shift()!
      },
      { pause: async () => {}, maxAttempts: 5, onRetry: (n) => retries.push(n) },
    )
    expect(outcome).toEqual({ kind: 'answer', value: 'voucher' })
    expect(sent).toEqual(['tap-1', 'tap-1', 'tap-1'])
    expect(retries).toEqual([1, 2])
  })

  it('stops at the first answer, even a refusal', async () => {
    let calls = 0
    const outcome = await untilAnswered(
      async () => {
        calls += 1
        return { kind: 'answer', value: 'INSUFFICIENT_POINTS' } as const
      },
      { pause: async () => {}, maxAttempts: 5 },
    )
    expect(outcome).toEqual({ kind: 'answer', value: 'INSUFFICIENT_POINTS' })
    expect(calls).toBe(1)
  })

  it('gives up after the last attempt, saying it was the network', async () => {
    const pauses: number[] = []
    const outcome = await untilAnswered(async () => ({ kind: 'network' }) as const, {
      pause: async (n) => void pauses.push(n),
      maxAttempts: 3,
    })
    expect(outcome).toEqual({ kind: 'network' })
    expect(pauses).toEqual([1, 2])
  })
})

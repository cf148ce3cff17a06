import { describe, expect, it } from 'vitest'
import { cancelTerms, checkInPhase, isCancellable, type BookingTimes } from '../src/lib/bookingTerms'

const START = '2026-12-03T11:00:00.000Z' // 19:00 in China

function booking(changes: Partial<BookingTimes> = {}): BookingTimes {
  return {
    status: 'CONFIRMED',
    startsAt: START,
    depositPoints: 20,
    checkInOpensAt: '2026-12-03T10:45:00.000Z',
    checkInClosesAt: '2026-12-03T11:15:00.000Z',
    venue: { cancelDeadlineMinutes: 120 },
    ...changes,
  }
}
const at = (iso: string): Date => new Date(iso)

describe('cancelling', () => {
  it('returns the deposit until the venue deadline, names that deadline, then keeps it', () => {
    expect(cancelTerms(booking(), at('2026-12-03T08:59:00Z'))).toEqual({ key: 'bookings.cancelBefore', at: '2026-12-03T09:00:00.000Z', points: 20 })
    expect(cancelTerms(booking(), at('2026-12-03T09:00:00Z')).key).toBe('bookings.cancelBefore')
    expect(cancelTerms(booking(), at('2026-12-03T09:00:01Z'))).toEqual({ key: 'bookings.cancelLate', at: '2026-12-03T09:00:00.000Z', points: 20 })
  })

  it('without a deposit, has the start as its only deadline', () => {
    expect(cancelTerms(booking({ depositPoints: 0 }), at('2026-12-03T10:59:00Z'))).toEqual({ key: 'bookings.cancelFree', at: START, points: 0 })
  })

  it('is possible while the booking holds its time and has not started', () => {
    const before = at('2026-12-03T10:00:00Z')
    expect(isCancellable(booking(), before)).toBe(true)
    expect(isCancellable(booking({ status: 'REQUESTED' }), before)).toBe(true)
    expect(isCancellable(booking({ status: 'CANCELLED' }), before)).toBe(false)
    expect(isCancellable(booking(), at(START))).toBe(false)
  })
})

describe('checking in', () => {
  it('opens and closes with the window around the start, for confirmed bookings only', () => {
    expect(checkInPhase(booking(), at('2026-12-03T10:44:59Z'))).toBe('early')
    expect(checkInPhase(booking(), at('2026-12-03T10:45:00Z'))).toBe('open')
    expect(checkInPhase(booking(), at('2026-12-03T11:15:00Z'))).toBe('open')
    expect(checkInPhase(booking(), at('2026-12-03T11:15:01Z'))).toBe('over')
    expect(checkInPhase(booking({ status: 'CHECKED_IN' }), at('2026-12-03T11:00:00Z'))).toBeNull()
  })
})

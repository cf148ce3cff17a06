import type { BookingStatus } from '../gql/graphql'

/** What the cancel and check-in rules need of a booking. */
export interface BookingTimes {
  status: BookingStatus
  startsAt: string
  depositPoints: number
  checkInOpensAt: string
  checkInClosesAt: string
  venue: { cancelDeadlineMinutes: number }
}

/** What cancelling now means: a catalogue key, the moment it names and the deposit at stake. */
export interface CancelTerms {
  key: 'bookings.cancelFree' | 'bookings.cancelBefore' | 'bookings.cancelLate'
  at: string
  points: number
}

const HOLDING: readonly BookingStatus[] = ['REQUESTED', 'CONFIRMED']

/** The booker may cancel a booking that holds its time until it starts. */
export function isCancellable(booking: BookingTimes, now: Date): boolean {
  return HOLDING.includes(booking.status) && now.getTime() < Date.parse(booking.startsAt)
}

/** The venue's deadline: cancelling later forfeits the deposit (the gateway's rule, so the
 * resident reads it before tapping). Without a deposit, the start is the only deadline. */
export function cancelTerms(booking: BookingTimes, now: Date): CancelTerms {
  const points = booking.depositPoints
  if (!points) return { key: 'bookings.cancelFree', at: booking.startsAt, points }
  const deadline = new Date(Date.parse(booking.startsAt) - booking.venue.cancelDeadlineMinutes * 60_000).toISOString()
  const late = now.getTime() > Date.parse(deadline)
  return { key: late ? 'bookings.cancelLate' : 'bookings.cancelBefore', at: deadline, points }
}

/** Where a confirmed booking stands with check-in: not yet, open now, or over. */
export type CheckInPhase = 'early' | 'open' | 'over'

export function checkInPhase(booking: BookingTimes, now: Date): CheckInPhase | null {
  if (booking.status !== 'CONFIRMED') return null
  const at = now.getTime()
  if (at < Date.parse(booking.checkInOpensAt)) return 'early'
  return at <= Date.parse(booking.checkInClosesAt) ? 'open' : 'over'
}

import type {
  BookingStatus,
  MerchantStatus,
  OfferStatus,
  ReportStatus,
  SignupStatus,
  SuggestionStatus,
  VoucherStatus,
} from '../gql/graphql'

/** A badge's colour: done or usable, on the way or waiting, refused or over. */
export type Tone = 'ok' | 'warn' | 'bad'

/** What a status badge shows: its colour and the catalogue key of its label. */
export interface Badge {
  tone: Tone
  label: string
}

// One table per status enum, typed by the schema's enum: a value the schema adds
// does not build until it has a colour here.
function badges<Status extends string>(catalogue: string, tones: Record<Status, Tone>): (status: Status) => Badge {
  return (status) => ({ tone: tones[status], label: `${catalogue}.${status}` })
}

export const reportBadge = badges<ReportStatus>('reportStatus', {
  SUBMITTED: 'warn', ACCEPTED: 'warn', DISPATCHED: 'warn', WITHDRAWN: 'warn',
  RESOLVED: 'ok', VERIFIED: 'ok',
  REJECTED: 'bad', ESCALATED: 'bad',
})

export const merchantBadge = badges<MerchantStatus>('merchantStatus', { ACTIVE: 'ok', PENDING: 'warn', SUSPENDED: 'bad' })

export const offerBadge = badges<OfferStatus>('offerStatus', { ACTIVE: 'ok', PAUSED: 'warn', ENDED: 'warn' })

export const voucherBadge = badges<VoucherStatus>('voucherStatus', { ISSUED: 'ok', USED: 'warn', CANCELLED: 'bad', EXPIRED: 'bad' })

export const suggestionBadge = badges<SuggestionStatus>('suggestionStatus', { SUBMITTED: 'warn', ADOPTED: 'ok', DECLINED: 'bad' })

// The events page shows one's own signup in the same colour whatever its state.
export const signupBadge = badges<SignupStatus>('signupStatus', { CONFIRMED: 'ok', WAITLISTED: 'ok', ATTENDED: 'ok', CANCELLED: 'ok' })

// A venue booking: holding its time or used (ok), waiting for approval (warn), or lost (bad).
export const bookingBadge = badges<BookingStatus>('bookingStatus', {
  CONFIRMED: 'ok', CHECKED_IN: 'ok', COMPLETED: 'ok',
  REQUESTED: 'warn',
  REJECTED: 'bad', CANCELLED: 'bad', NO_SHOW: 'bad',
})

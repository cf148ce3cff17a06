import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { buildSchema, type GraphQLEnumType } from 'graphql'
import { mount } from '@vue/test-utils'
import {
  bookingBadge,
  merchantBadge,
  offerBadge,
  reportBadge,
  signupBadge,
  suggestionBadge,
  voucherBadge,
  type Badge,
} from '../src/lib/status'
import StatusBadge from '../src/components/StatusBadge.vue'
import { i18n } from '../src/i18n'

const tones = <Status extends string>(badge: (status: Status) => Badge, statuses: Status[]): string[] =>
  statuses.map((status) => badge(status).tone)

describe('status badges', () => {
  it('colour done, refused and in-progress reports apart', () => {
    expect(tones(reportBadge, ['VERIFIED', 'RESOLVED', 'REJECTED', 'ESCALATED', 'SUBMITTED', 'ACCEPTED', 'DISPATCHED', 'WITHDRAWN'])).toEqual([
      'ok', 'ok', 'bad', 'bad', 'warn', 'warn', 'warn', 'warn',
    ])
  })

  it('colour shops, offers, vouchers, suggestions and signups as their pages always have', () => {
    expect(tones(merchantBadge, ['ACTIVE', 'PENDING', 'SUSPENDED'])).toEqual(['ok', 'warn', 'bad'])
    expect(tones(offerBadge, ['ACTIVE', 'PAUSED', 'ENDED'])).toEqual(['ok', 'warn', 'warn'])
    expect(tones(voucherBadge, ['ISSUED', 'USED', 'CANCELLED', 'EXPIRED'])).toEqual(['ok', 'warn', 'bad', 'bad'])
    expect(tones(suggestionBadge, ['ADOPTED', 'SUBMITTED', 'DECLINED'])).toEqual(['ok', 'warn', 'bad'])
    expect(tones(signupBadge, ['CONFIRMED', 'WAITLISTED', 'ATTENDED', 'CANCELLED'])).toEqual(['ok', 'ok', 'ok', 'ok'])
  })

  it('colour bookings that hold or used their time, wait for approval, or were lost apart', () => {
    expect(tones(bookingBadge, ['CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'REQUESTED', 'REJECTED', 'CANCELLED', 'NO_SHOW'])).toEqual([
      'ok', 'ok', 'ok', 'warn', 'bad', 'bad', 'bad',
    ])
  })

  it('give every value the schema can send a colour and a label the catalogue has', () => {
    const schema = buildSchema(readFileSync('../schema.graphql', 'utf8'))
    const values = (name: string): string[] =>
      (schema.getType(name) as GraphQLEnumType).getValues().map((value) => value.name)
    const tables: Array<[string, (status: never) => Badge]> = [
      ['ReportStatus', reportBadge],
      ['MerchantStatus', merchantBadge],
      ['OfferStatus', offerBadge],
      ['VoucherStatus', voucherBadge],
      ['SuggestionStatus', suggestionBadge],
      ['SignupStatus', signupBadge],
      ['BookingStatus', bookingBadge],
    ]
    for (const [name, badge] of tables) {
      for (const status of values(name)) {
        const shown = (badge as (status: string) => Badge)(status)
        expect(['ok', 'warn', 'bad'], `${name}.${status}`).toContain(shown.tone)
        expect(i18n.global.te(shown.label, 'zh-CN'), shown.label).toBe(true)
      }
    }
  })

  it('show the label in the colour, keeping the attributes the tests find it by', () => {
    const wrapper = mount(StatusBadge, {
      props: { badge: voucherBadge('CANCELLED') },
      attrs: { 'data-testid': 'voucher-status' },
      global: { plugins: [i18n] },
    })
    expect(wrapper.text()).toBe('已取消')
    expect(wrapper.classes()).toEqual(['badge', 'bad'])
    expect(wrapper.attributes('data-testid')).toBe('voucher-status')
  })
})

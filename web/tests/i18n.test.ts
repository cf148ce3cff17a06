import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { buildSchema, type GraphQLEnumType } from 'graphql'
import { messages } from '../src/i18n/messages'

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  )
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'gql' ? [] : sources(path)
    return /\.(vue|ts)$/.test(name) ? [path] : []
  })
}

describe('the catalogue', () => {
  it('has the same keys in Chinese and English', () => {
    expect(keys(messages.en).sort()).toEqual(keys(messages['zh-CN']).sort())
  })

  it('has every key the pages ask for', () => {
    const known = new Set(keys(messages['zh-CN']))
    const asked = sources('src').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z]+\.[a-zA-Z.]+)'/g)].map((m) => m[1]!),
    )
    expect(asked.length).toBeGreaterThan(100)
    expect(asked.filter((key) => !known.has(key))).toEqual([])
  })

  it('names every enum value the schema can send', () => {
    // Read with graphql-js: the SDL's descriptions sit between the values.
    const schema = buildSchema(readFileSync('../schema.graphql', 'utf8'))
    const values = (name: string): string[] =>
      (schema.getType(name) as GraphQLEnumType).getValues().map((value) => value.name)
    const zh = messages['zh-CN']
    expect(Object.keys(zh.reportStatus).sort()).toEqual(values('ReportStatus').sort())
    expect(Object.keys(zh.reportCategory).sort()).toEqual(values('ReportCategory').sort())
    expect(Object.keys(zh.voucherStatus).sort()).toEqual(values('VoucherStatus').sort())
    expect(Object.keys(zh.pointsReason).sort()).toEqual(values('PointsReason').sort())
    expect(Object.keys(zh.noticeKind).sort()).toEqual(values('NoticeKind').sort())
    expect(Object.keys(zh.signupStatus).sort()).toEqual(values('SignupStatus').sort())
    expect(Object.keys(zh.offerStatus).sort()).toEqual(values('OfferStatus').sort())
    expect(Object.keys(zh.merchantStatus).sort()).toEqual(values('MerchantStatus').sort())
    expect(Object.keys(zh.suggestionStatus).sort()).toEqual(values('SuggestionStatus').sort())
    expect(Object.keys(zh.bookingStatus).sort()).toEqual(values('BookingStatus').sort())
    expect(Object.keys(zh.slotState).sort()).toEqual(values('SlotState').sort())
    expect(Object.keys(zh.venueAudience).sort()).toEqual(values('VenueAudience').sort())
    expect(Object.keys(zh.weekday).sort()).toEqual(values('Weekday').sort())
    for (const code of values('ErrorCode')) expect(zh.errors).toHaveProperty(code)
  })
})

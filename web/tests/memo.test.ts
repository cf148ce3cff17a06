import { describe, expect, it } from 'vitest'
import { describeMemo } from '../src/lib/memo'
import { instantToLocal, localToInstant, createInput, emptyOfferFields } from '../src/lib/offerForm'
import { chinaDay, chinaDayStart } from '../src/lib/dates'

describe('describeMemo: every points entry says why', () => {
  it('names the report, event, suggestion or voucher', () => {
    expect(describeMemo('REPORT_VERIFIED', 'Report 12 verified')).toEqual({ key: 'memo.report', values: { id: '12' } })
    expect(describeMemo('EVENT_ATTENDED', 'Attended 院落环境大扫除')).toEqual({ key: 'memo.event', values: { title: '院落环境大扫除' } })
    expect(describeMemo('SUGGESTION_ADOPTED', 'Suggestion adopted: 增设充电桩')).toEqual({ key: 'memo.suggestion', values: { title: '增设充电桩' } })
    expect(describeMemo('REDEMPTION', '手工吐司一条')).toEqual({ key: 'memo.voucher', values: { title: '手工吐司一条' } })
    expect(describeMemo('REFUND', '盖碗茶一杯')).toEqual({ key: 'memo.voucher', values: { title: '盖碗茶一杯' } })
  })

  it('shows an admin memo as written, and nothing when there is none', () => {
    expect(describeMemo('ADJUSTMENT', '社区志愿服务积分')).toEqual({ key: '', values: { text: '社区志愿服务积分' } })
    expect(describeMemo('ADJUSTMENT', null)).toBeNull()
  })
})

describe('China time in forms', () => {
  it('reads a datetime-local value as UTC+8 and shows an instant back the same way', () => {
    expect(localToInstant('2026-12-01T09:30')).toBe('2026-12-01T01:30:00.000Z')
    expect(instantToLocal('2026-12-01T01:30:00.000Z')).toBe('2026-12-01T09:30')
    expect(localToInstant('')).toBeNull()
    expect(chinaDayStart('2026-12-01')).toBe('2026-11-30T16:00:00.000Z')
    expect(chinaDay(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12-01')
  })

  it('turns the offer form into the API input, leaving bad numbers for the gateway to refuse', () => {
    const fields = { ...emptyOfferFields(), title: ' 吐司 ', description: '全麦', pointsPrice: '80', stock: 'ten', perUserLimit: '' }
    expect(createInput('TWVyY2hhbnQ6MQ', fields)).toEqual({
      merchantId: 'TWVyY2hhbnQ6MQ',
      title: '吐司',
      description: '全麦',
      pointsPrice: 80,
      stock: -1,
      perUserLimit: null,
      validFrom: null,
      validUntil: null,
    })
  })
})

import { describe, expect, it } from 'vitest'
import { BOM, toCsv } from '../src/lib/csv'
import { settlementCsv } from '../src/lib/settlementCsv'

describe('toCsv', () => {
  it('starts with a UTF-8 byte-order mark and ends lines with CRLF', () => {
    const csv = toCsv([['商品', '积分'], ['手工吐司一条', 80]])
    expect(csv).toBe(`${BOM}商品,积分\r\n手工吐司一条,80\r\n`)
    expect([...new TextEncoder().encode(csv).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  })

  it('quotes commas, quotes and line breaks', () => {
    expect(toCsv([['a,b', 'say "hi"', 'two\nlines']])).toBe(`${BOM}"a,b","say ""hi""","two\nlines"\r\n`)
  })

  it('keeps a cell from running as a spreadsheet formula', () => {
    expect(toCsv([['=HYPERLINK("x")', '-5', -5]])).toBe(`${BOM}"'=HYPERLINK(""x"")",'-5,-5\r\n`)
  })
})

describe('settlementCsv', () => {
  it('lays out the heading, the figures and one line per voucher', () => {
    const csv = settlementCsv(
      {
        heading: ['结算单 · 麦香烘焙坊', '结算期间：2026-11-01 至 2026-11-30'],
        figures: { issued: '兑换张数', used: '核销张数', cancelled: '取消张数', expired: '过期张数', pointsReceived: '收到积分', pointsReturned: '退回积分' },
        columns: ['商品', '券码', '状态', '积分', '兑换时间', '核销时间'],
      },
      { issued: 3, used: 2, cancelled: 1, expired: 0, pointsReceived: 240, pointsReturned: 80 },
      [{ offer: '手工吐司一条', code: 'ABCD-EFGH-JKLMN', status: '已使用', points: 80, issuedAt: '11/2 10:00', usedAt: '11/2 11:00' }],
    )
    expect(csv.slice(1).split('\r\n')).toEqual([
      '结算单 · 麦香烘焙坊',
      '结算期间：2026-11-01 至 2026-11-30',
      '',
      '兑换张数,3',
      '核销张数,2',
      '取消张数,1',
      '过期张数,0',
      '收到积分,240',
      '退回积分,80',
      '',
      '商品,券码,状态,积分,兑换时间,核销时间',
      '手工吐司一条,ABCD-EFGH-JKLMN,已使用,80,11/2 10:00,11/2 11:00',
      '',
    ])
  })
})

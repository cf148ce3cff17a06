import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RedemptionsTable from '../src/components/RedemptionsTable.vue'
import { i18n } from '../src/i18n'
import { formatDateTime } from '../src/lib/dates'
import { redemptionRows, type Redemption } from '../src/lib/redemptions'
import type { RedemptionsQuery } from '../src/gql/graphql'

const used: Redemption = {
  __typename: 'Voucher',
  id: 'V1',
  code: 'ABCD-EFGH-JKLMN',
  status: 'USED',
  pointsSpent: 80,
  issuedAt: '2026-11-02T02:00:00Z',
  usedAt: '2026-11-02T03:00:00Z',
  offer: { __typename: 'Offer', id: 'O1', title: '手工吐司一条' },
}
const issued: Redemption = { ...used, id: 'V2', code: null, status: 'ISSUED', usedAt: null }

function answer(vouchers: Redemption[]): RedemptionsQuery {
  return {
    __typename: 'Query',
    node: {
      __typename: 'Merchant',
      id: 'M1',
      redemptions: {
        __typename: 'VoucherConnection',
        edges: vouchers.map((node) => ({ __typename: 'VoucherEdge', node })),
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      },
    },
  }
}

describe('redemptionRows', () => {
  it("lists a shop's vouchers in the order they came", () => {
    expect(redemptionRows(answer([used, issued])).map((v) => v.id)).toEqual(['V1', 'V2'])
  })

  it('is empty before the answer, for a missing node and for a node that is no shop', () => {
    expect(redemptionRows(undefined)).toEqual([])
    expect(redemptionRows({ __typename: 'Query', node: null })).toEqual([])
    expect(redemptionRows({ __typename: 'Query', node: { __typename: 'Offer' } })).toEqual([])
  })
})

describe('RedemptionsTable', () => {
  function table(rows: Redemption[], attrs: Record<string, string> = {}) {
    return mount(RedemptionsTable, { props: { rows }, attrs, global: { plugins: [i18n] } })
  }

  it('heads its columns and shows one row a voucher, status and times as people read them', () => {
    const wrapper = table([used, issued])
    expect(wrapper.findAll('th').map((th) => th.text())).toEqual(['商品', '券码', '状态', '积分', '兑换时间', '核销时间'])
    const cells = wrapper.findAll('tbody tr').map((tr) => tr.findAll('td').map((td) => td.text()))
    expect(cells).toEqual([
      ['手工吐司一条', 'ABCD-EFGH-JKLMN', '已使用', '80', formatDateTime(used.issuedAt, 'zh-CN'), formatDateTime(used.usedAt, 'zh-CN')],
      ['手工吐司一条', '', '未使用', '80', formatDateTime(issued.issuedAt, 'zh-CN'), ''],
    ])
  })

  it('passes its attributes to the table, which the pages and their tests find it by', () => {
    expect(table([used], { 'data-testid': 'redemptions' }).find('table').attributes('data-testid')).toBe('redemptions')
  })
})

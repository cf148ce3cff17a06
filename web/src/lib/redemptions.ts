import type { RedemptionsQuery } from '../gql/graphql'
import { formatDateTime } from './dates'

type Shop = Extract<NonNullable<RedemptionsQuery['node']>, { __typename: 'Merchant' }>
export type Redemption = NonNullable<Shop['redemptions']>['edges'][number]['node']

/** A voucher as the redemptions table and the settlement CSV both show it. */
export interface RedemptionLine {
  offer: string
  code: string | null
  status: string
  points: number
  issuedAt: string
  usedAt: string
}

type Translate = (key: string) => string

/** The vouchers of a shop's redemptions answer: none before it arrives. */
export function redemptionRows(data: RedemptionsQuery | undefined): Redemption[] {
  const node = data?.node
  return node?.__typename === 'Merchant' ? (node.redemptions?.edges.map((e) => e.node) ?? []) : []
}

/** The column headings, in the order of a RedemptionLine's fields. */
export function redemptionHeadings(t: Translate): string[] {
  return [t('redemptions.offer'), t('vouchers.code'), t('redemptions.status'), t('redemptions.points'), t('redemptions.issued'), t('redemptions.used')]
}

export function redemptionLine(voucher: Redemption, t: Translate, locale: string): RedemptionLine {
  return {
    offer: voucher.offer.title,
    code: voucher.code,
    status: t(`voucherStatus.${voucher.status}`),
    points: voucher.pointsSpent,
    issuedAt: formatDateTime(voucher.issuedAt, locale),
    usedAt: formatDateTime(voucher.usedAt, locale),
  }
}

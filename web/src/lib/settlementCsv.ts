import { toCsv } from './csv'

export interface SettlementFigures {
  issued: number
  used: number
  cancelled: number
  expired: number
  pointsReceived: number
  pointsReturned: number
}

export interface SettlementLine {
  offer: string
  code: string | null | undefined
  status: string
  points: number
  issuedAt: string
  usedAt: string
}

export interface SettlementLabels {
  heading: string[]
  figures: Record<keyof SettlementFigures, string>
  columns: string[]
}

/** The statement as a spreadsheet: a header block, the figures, then one line per voucher. */
export function settlementCsv(labels: SettlementLabels, figures: SettlementFigures, lines: SettlementLine[]): string {
  const keys = Object.keys(labels.figures) as Array<keyof SettlementFigures>
  return toCsv([
    ...labels.heading.map((line) => [line]),
    [],
    ...keys.map((key) => [labels.figures[key], figures[key]]),
    [],
    labels.columns,
    ...lines.map((l) => [l.offer, l.code ?? '', l.status, l.points, l.issuedAt, l.usedAt]),
  ])
}

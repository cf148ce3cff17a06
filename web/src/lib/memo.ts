/** What a points entry's memo says, as a catalogue key and its values: the gateway writes
 * short English memos ("Report 12 verified", "Attended 院落环境大扫除", a voucher's offer title). */
export interface MemoText {
  key: string
  values: Record<string, string>
}

export function describeMemo(reason: string, memo: string | null | undefined): MemoText | null {
  if (!memo) return null
  const report = /^Report (\d+) verified$/.exec(memo)
  if (report?.[1]) return { key: 'memo.report', values: { id: report[1] } }
  const attended = /^Attended (.+)$/.exec(memo)
  if (attended?.[1]) return { key: 'memo.event', values: { title: attended[1] } }
  const adopted = /^Suggestion adopted: (.+)$/.exec(memo)
  if (adopted?.[1]) return { key: 'memo.suggestion', values: { title: adopted[1] } }
  if (reason === 'REDEMPTION' || reason === 'REFUND') return { key: 'memo.voucher', values: { title: memo } }
  return { key: '', values: { text: memo } }
}

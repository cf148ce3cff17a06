import { saveBlob } from './download'

/** CSV for spreadsheets: RFC 4180 quoting, CRLF lines, and a UTF-8 byte-order mark so that
 * Excel opens the Chinese text as UTF-8 rather than the system's legacy code page. */
export const BOM = '\uFEFF'

function cell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value)
  // A leading = + - @ would run as a formula in Excel: prefix it with an apostrophe.
  const safe = /^[=+\-@]/.test(text) && typeof value !== 'number' ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  return BOM + rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}

export function downloadCsv(filename: string, csv: string): void {
  saveBlob(filename, new Blob([csv], { type: 'text/csv;charset=utf-8' }))
}

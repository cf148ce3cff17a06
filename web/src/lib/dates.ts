/** Dates as people in Chengdu read them, whatever the device's zone. */
const ZONE = 'Asia/Shanghai'

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return ''
  return new Intl.DateTimeFormat(locale, {
    timeZone: ZONE,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso))
}

/** The ISO instant of midnight at the start of a yyyy-mm-dd day in China (UTC+8). */
export function chinaDayStart(day: string): string {
  return new Date(`${day}T00:00:00+08:00`).toISOString()
}

/** yyyy-mm-dd of an instant in China. */
export function chinaDay(date: Date): string {
  return new Date(date.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

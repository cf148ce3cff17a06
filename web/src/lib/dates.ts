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

/** HH:MM of an instant in China. */
export function formatTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso))
}

/** A yyyy-mm-dd day as a person reads it: month, day and weekday. */
export function formatDay(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: ZONE, month: 'long', day: 'numeric', weekday: 'short' }).format(
    new Date(chinaDayStart(day)),
  )
}

/** The yyyy-mm-dd day `days` after another. */
export function addDays(day: string, days: number): string {
  const noon = new Date(`${day}T12:00:00Z`)
  noon.setUTCDate(noon.getUTCDate() + days)
  return noon.toISOString().slice(0, 10)
}

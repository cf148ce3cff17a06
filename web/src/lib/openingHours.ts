import type { Weekday } from '../gql/graphql'

/** One weekday's hours as the schema gives them. */
export interface DayHours {
  weekday: Weekday
  opens: string
  closes: string
  overnight: boolean
}

/** Consecutive weekdays that keep the same hours, shown as one line (周二至周日 09:00–20:00). */
export interface HoursRun {
  first: Weekday
  last: Weekday
  opens: string
  closes: string
  overnight: boolean
}

export const WEEK: readonly Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']

const sameHours = (a: DayHours | HoursRun, b: DayHours): boolean =>
  a.opens === b.opens && a.closes === b.closes && a.overnight === b.overnight

/** The week's hours, Monday first, neighbouring days with equal hours joined; days the venue
 * does not open on break a run. */
export function hoursRuns(hours: readonly DayHours[]): HoursRun[] {
  const byDay = new Map(hours.map((day) => [day.weekday, day]))
  const runs: HoursRun[] = []
  let previous: Weekday | null = null
  for (const weekday of WEEK) {
    const day = byDay.get(weekday)
    if (!day) {
      previous = null
      continue
    }
    const run = runs[runs.length - 1]
    if (run && previous === run.last && sameHours(run, day)) run.last = weekday
    else runs.push({ first: weekday, last: weekday, opens: day.opens, closes: day.closes, overnight: day.overnight })
    previous = weekday
  }
  return runs
}

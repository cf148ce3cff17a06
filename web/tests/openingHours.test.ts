import { describe, expect, it } from 'vitest'
import { hoursRuns, type DayHours } from '../src/lib/openingHours'

const hours = (weekday: DayHours['weekday'], opens = '09:00', closes = '20:00', overnight = false): DayHours => ({ weekday, opens, closes, overnight })

describe('opening hours', () => {
  it('join neighbouring days with the same hours, and break at a closed day', () => {
    expect(
      hoursRuns([hours('SUNDAY'), hours('TUESDAY'), hours('WEDNESDAY'), hours('FRIDAY', '07:00', '00:30', true), hours('SATURDAY', '07:00', '00:30', true)]),
    ).toEqual([
      { first: 'TUESDAY', last: 'WEDNESDAY', opens: '09:00', closes: '20:00', overnight: false },
      { first: 'FRIDAY', last: 'SATURDAY', opens: '07:00', closes: '00:30', overnight: true },
      { first: 'SUNDAY', last: 'SUNDAY', opens: '09:00', closes: '20:00', overnight: false },
    ])
  })
})

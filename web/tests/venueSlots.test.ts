import { describe, expect, it } from 'vitest'
import { bookableDays, lengthChoices, lengthPhrase, type Slot } from '../src/lib/venueSlots'
import { addDays, chinaDay } from '../src/lib/dates'

// Hourly slots from 08:00 China time (00:00 UTC) on 2026-12-02, in the given states.
function day(states: Slot['state'][], minutes = 60): Slot[] {
  const first = Date.parse('2026-12-02T00:00:00Z')
  return states.map((state, index) => ({
    startsAt: new Date(first + index * minutes * 60_000).toISOString(),
    endsAt: new Date(first + (index + 1) * minutes * 60_000).toISOString(),
    state,
  }))
}

describe('choosing a start and a length', () => {
  it('offers whole free slots from the start, up to the longest booking', () => {
    const slots = day(['FREE', 'FREE', 'FREE', 'FREE', 'FREE'])
    expect(lengthChoices(slots, 1, 180).map((c) => c.minutes)).toEqual([60, 120, 180])
    expect(lengthChoices(slots, 1, 180).at(-1)!.endsAt).toBe(slots[3]!.endsAt)
  })

  it('stops at the first slot that is taken, closed or unavailable', () => {
    const slots = day(['FREE', 'FREE', 'TAKEN', 'FREE'])
    expect(lengthChoices(slots, 0, 240).map((c) => c.minutes)).toEqual([60, 120])
    expect(lengthChoices(day(['FREE', 'CLOSED']), 0, 240).map((c) => c.minutes)).toEqual([60])
  })

  it('offers nothing from a slot that is not free, or past the end of the day', () => {
    expect(lengthChoices(day(['UNAVAILABLE', 'FREE']), 0, 240)).toEqual([])
    expect(lengthChoices(day(['FREE']), 3, 240)).toEqual([])
  })

  it('does not run over a gap between windows', () => {
    const slots = day(['FREE', 'FREE', 'FREE'])
    const gap = { ...slots[2]!, startsAt: new Date(Date.parse(slots[2]!.startsAt) + 3600_000).toISOString() }
    expect(lengthChoices([slots[0]!, slots[1]!, gap], 0, 600).map((c) => c.minutes)).toEqual([60, 120])
  })

  it('counts half-hour slots in minutes', () => {
    expect(lengthChoices(day(['FREE', 'FREE', 'FREE', 'FREE', 'FREE'], 30), 0, 120).map((c) => c.minutes)).toEqual([30, 60, 90, 120])
  })

  it('says a length in hours and minutes', () => {
    expect(lengthPhrase(30)).toEqual({ key: 'venues.lengthMinutes', params: { m: 30 } })
    expect(lengthPhrase(120)).toEqual({ key: 'venues.lengthHours', params: { h: 2 } })
    expect(lengthPhrase(90)).toEqual({ key: 'venues.lengthHoursMinutes', params: { h: 1, m: 30 } })
  })
})

describe('the days one may book', () => {
  it('are today and the advance window after it, across a month end', () => {
    expect(bookableDays('2026-12-30', 3)).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02'])
    expect(bookableDays('2026-12-01', 0)).toEqual(['2026-12-01'])
  })

  it('start from the day in China, whatever the device zone', () => {
    expect(chinaDay(new Date('2026-12-01T17:30:00Z'))).toBe('2026-12-02')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
  })
})

import type { SlotState } from '../gql/graphql'
import { addDays } from './dates'

/** A venue's slot as venueSlots returns it. */
export interface Slot {
  startsAt: string
  endsAt: string
  state: SlotState
}

/** One way a booking from a chosen start may end. */
export interface LengthChoice {
  minutes: number
  endsAt: string
}

/** A text from the catalogue, with what it names. */
export interface Phrase {
  key: string
  params: Record<string, number>
}

const MINUTE = 60_000
const minutesBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / MINUTE

/** The days one may book on now: today (in China) and the venue's advance window after it. */
export function bookableDays(today: string, advanceDays: number): string[] {
  return Array.from({ length: advanceDays + 1 }, (_, offset) => addDays(today, offset))
}

/** Whether a slot can start a booking. */
export function isFree(slot: Slot): boolean {
  return slot.state === 'FREE'
}

/** The lengths a booking starting on slots[start] may have: whole slots, each free and
 * following the one before it without a gap, up to the venue's longest booking. */
export function lengthChoices(slots: readonly Slot[], start: number, maxMinutes: number): LengthChoice[] {
  const first = slots[start]
  if (!first || !isFree(first)) return []
  const choices: LengthChoice[] = []
  for (let index = start; index < slots.length; index++) {
    const slot = slots[index]!
    const previous = slots[index - 1]
    if (!isFree(slot) || (index > start && previous?.endsAt !== slot.startsAt)) break
    const minutes = minutesBetween(first.startsAt, slot.endsAt)
    if (minutes > maxMinutes) break
    choices.push({ minutes, endsAt: slot.endsAt })
  }
  return choices
}

/** A length as people say it: 30 分钟, 2 小时, 1 小时 30 分钟. */
export function lengthPhrase(minutes: number): Phrase {
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  if (!hours) return { key: 'venues.lengthMinutes', params: { m: rest } }
  if (!rest) return { key: 'venues.lengthHours', params: { h: hours } }
  return { key: 'venues.lengthHoursMinutes', params: { h: hours, m: rest } }
}

import { expect, test } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { DEMO, gql, login, newResident } from './api'
import { checkPage } from './checks'
import { logIn, personContext } from './people'

interface Slot { startsAt: string; state: string }

const chinaDay = (offset: number): string => new Date(Date.now() + 8 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10)
const chinaClock = (iso: string): string =>
  new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso))

async function venueId(name: string, token: string): Promise<string> {
  const venues = await gql<{ venues: Array<{ id: string; name: string }> }>('{ venues { id name } }', {}, token)
  return venues.venues.find((v) => v.name === name)!.id
}

/** The first day from `from` days ahead with a free slot at the venue, and that slot. */
async function freeSlot(venueId: string, token: string, from = 1): Promise<{ day: string; slot: Slot }> {
  for (let offset = from; offset <= from + 7; offset++) {
    const day = chinaDay(offset)
    const data = await gql<{ venueSlots: Slot[] }>('query($v: ID!, $d: Date!) { venueSlots(venueId: $v, date: $d) { startsAt state } }', { v: venueId, d: day }, token)
    const slot = data.venueSlots.find((s) => s.state === 'FREE')
    if (slot) return { day, slot }
  }
  throw new Error('the demo venue has no free slot this week')
}

test('a resident books a free slot of the reading room, sees it in my bookings, and cancels it', async ({ browser }) => {
  test.slow() // three pages through axe
  const resident = await newResident('赵晓雯')
  const room = await venueId('阅览室', resident.token)
  const { day, slot } = await freeSlot(room, resident.token)
  const clock = chinaClock(slot.startsAt)

  const page = await (await personContext(browser, 'resident')).newPage()
  const urls: string[] = []
  page.on('request', (request) => urls.push(request.url()))
  await logIn(page, resident.phone, resident.password, '/')
  await page.getByRole('link', { name: '场馆', exact: true }).click()
  const card = page.getByTestId('venue').filter({ has: page.getByRole('heading', { name: '阅览室' }) })
  await expect(card.getByTestId('venue-approval')).toHaveText('即约即得')
  await expect(card.getByTestId('venue-deposit')).toHaveText('无需押金')
  await expect(card.getByTestId('venue-hours')).toContainText('周二至周日 09:00–20:00')
  await expect(page.getByTestId('venue')).toHaveCount(4)
  await checkPage(page, 'resident-venues-journey')

  await card.getByRole('link', { name: /选择时段预约/ }).click()
  await expect(page.getByRole('heading', { name: '阅览室' })).toBeVisible()
  await page.getByLabel('日期').selectOption(day)
  const free = page.getByTestId('slot').filter({ hasText: clock })
  await expect(free).toContainText('可约')
  await free.click()
  await expect(free).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByLabel('时长')).toContainText('（1 小时）')
  await page.getByLabel('人数').fill('3')
  await page.getByLabel('用途').fill('亲子绘本阅读')
  await checkPage(page, 'resident-venue-day')
  await page.getByRole('button', { name: '预约', exact: true }).click()
  await expect(page.getByTestId('booking-outcome')).toContainText('预约成功！')
  await expect(free).toContainText('已约')
  await expect(free).toBeDisabled()

  await page.getByRole('link', { name: '查看我的预约' }).click()
  const booking = page.getByTestId('booking').filter({ hasText: '亲子绘本阅读' })
  await expect(booking.getByTestId('booking-status')).toHaveText('已预约')
  await expect(booking.getByTestId('booking-when')).toContainText(clock)
  await expect(booking.getByTestId('cancel-terms')).toContainText(`${clock}）前可随时取消`)
  await checkPage(page, 'resident-bookings')

  // The calendar file comes with the token in a header, never in a URL.
  const download = page.waitForEvent('download')
  await booking.getByRole('button', { name: '加入日历（.ics）' }).click()
  const ics = readFileSync(await (await download).path(), 'utf8')
  expect(ics).toContain('BEGIN:VCALENDAR')
  expect(urls.filter((url) => /token|eyJ/i.test(url))).toEqual([])

  await booking.getByRole('button', { name: '取消预约' }).click()
  await expect(booking.getByTestId('booking-message')).toHaveText('已取消预约')
  await expect(booking.getByTestId('booking-status')).toHaveText('已取消')
  await expect(booking.getByRole('button', { name: '取消预约' })).toHaveCount(0)

  const mine = await gql<{ myBookings: { edges: Array<{ node: { status: string; purpose: string } }> } }>(
    '{ myBookings(first: 10) { edges { node { status purpose } } } }', {}, resident.token,
  )
  expect(mine.myBookings.edges.map((e) => e.node)).toEqual([{ status: 'CANCELLED', purpose: '亲子绘本阅读' }])
  const after = await gql<{ venueSlots: Slot[] }>('query($v: ID!, $d: Date!) { venueSlots(venueId: $v, date: $d) { startsAt state } }', { v: room, d: day }, resident.token)
  expect(after.venueSlots.find((s) => s.startsAt === slot.startsAt)?.state).toBe('FREE')
})

test('a request for the activity centre waits for approval, and its badge changes live when staff approve it', async ({ browser }) => {
  const resident = await newResident('钱建国')
  const hall = await venueId('社区活动中心', resident.token)
  const { slot } = await freeSlot(hall, resident.token, 2) // the centre wants a day's notice
  const booked = await gql<{ bookVenue: { booking: { id: string; status: string } | null; errors: unknown[] } }>(
    'mutation($i: BookVenueInput!) { bookVenue(input: $i) { booking { id status } errors { code message } } }',
    { i: { venueId: hall, startsAt: slot.startsAt, endsAt: new Date(Date.parse(slot.startsAt) + 3600_000).toISOString(), partySize: 30, purpose: '太极拳练习' } },
    resident.token,
  )
  expect(booked.bookVenue.booking?.status).toBe('REQUESTED')

  const page = await (await personContext(browser, 'resident')).newPage()
  const subscribed = new Promise<void>((resolve) =>
    page.on('websocket', (socket) => socket.on('framesent', (frame) => String(frame.payload).includes('BookingUpdated') && resolve())),
  )
  await logIn(page, resident.phone, resident.password, '/bookings')
  const booking = page.getByTestId('booking').filter({ hasText: '太极拳练习' })
  await expect(booking.getByTestId('booking-status')).toHaveText('待审核')
  await subscribed

  await gql('mutation($b: ID!) { approveBooking(bookingId: $b) { errors { code } } }', { b: booked.bookVenue.booking!.id }, await login(DEMO.admin))
  await expect(booking.getByTestId('booking-status')).toHaveText('已预约')
})

test('a venue the resident may not book says so, and none of its slots can be chosen', async ({ browser }) => {
  const resident = await newResident('孙立红')
  const meeting = await venueId('会议室', resident.token) // for grid staff and merchants
  const { day, slot } = await freeSlot(meeting, resident.token)
  const page = await (await personContext(browser, 'resident')).newPage()
  await logIn(page, resident.phone, resident.password, `/venues/${meeting}`)
  await expect(page.getByRole('heading', { name: '会议室' })).toBeVisible()
  await expect(page.getByTestId('not-for-you')).toContainText('您的身份不能预约此场馆')
  await page.getByLabel('日期').selectOption(day)
  await expect(page.getByTestId('slot').filter({ hasText: chinaClock(slot.startsAt) })).toContainText('可约')
  for (const slot of await page.getByTestId('slot').all()) await expect(slot).toBeDisabled()
  await expect(page.getByTestId('booking-form')).toHaveCount(0)
})

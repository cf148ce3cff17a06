import { expect, test } from '@playwright/test'
import { DEMO, gql, login, newResident } from './api'
import { logIn, personContext } from './people'

test('a resident joins a full event, is waitlisted, and is promoted when someone cancels', async ({ browser }) => {
  const title = `院落插花课 ${Date.now() % 100000}`
  const starts = new Date(Date.now() + 2 * 86400_000)
  const created = await gql<{ createEvent: { event: { id: string } } }>(
    'mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } errors { code message } } }',
    {
      i: {
        title,
        description: '花艺老师带领，材料社区提供。',
        location: '兴蓉社区党群服务中心',
        startsAt: starts.toISOString(),
        endsAt: new Date(starts.getTime() + 7200_000).toISOString(),
        capacity: 1,
        pointsReward: 5,
      },
    },
    await login(DEMO.admin),
  )
  const eventId = created.createEvent.event.id
  const first = await newResident('陈一凡')
  await gql('mutation($e: ID!) { signUpForEvent(eventId: $e) { signup { status } } }', { e: eventId }, first.token)

  const resident = await newResident('刘思远')
  const context = await personContext(browser, 'resident')
  const page = await context.newPage()
  await logIn(page, resident.phone, resident.password, '/events')
  const card = page.getByTestId('event').filter({ hasText: title })
  await expect(card).toContainText('名额 1/1')
  await expect(card).toContainText('已满，报名将进入候补')
  await card.getByRole('button', { name: '报名' }).click()
  await expect(card.getByTestId('event-message')).toHaveText('已进入候补名单，共 1 人候补；有人取消时会自动递补')
  await expect(card.getByTestId('signup-status')).toHaveText('候补中')

  await gql('mutation($e: ID!) { cancelEventSignup(eventId: $e) { signup { status } } }', { e: eventId }, first.token)

  await expect(card.getByTestId('event-message')).toHaveText('候补成功，您已获得名额！')
  await expect(card.getByTestId('signup-status')).toHaveText('已报名')
})

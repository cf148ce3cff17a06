import { expect, test } from '@playwright/test'
import { DEMO, balanceAndHistory, gql, login, newResident } from './api'
import { logIn, personContext } from './people'

test('a newcomer registers with a home grid chosen from the grid tree', async ({ browser }) => {
  const page = await (await personContext(browser, 'resident')).newPage()
  const phone = `137${String(Date.now()).slice(-8)}`
  await page.goto('/register')
  await page.getByLabel('手机号').fill(phone)
  await page.getByLabel('密码').fill('newcomer-pass-1')
  await page.getByLabel('昵称').fill('新居民小林')
  await page.getByLabel('院落').selectOption({ label: '锦绣院落' })
  await page.getByLabel('所在网格').selectOption({ label: '锦绣院落2号网格' })
  await page.getByRole('button', { name: '注册' }).click()
  await expect(page).toHaveURL(/\/$/)
  await page.getByRole('link', { name: '我的' }).click()
  await expect(page.getByRole('heading', { name: '欢迎，新居民小林' })).toBeVisible()
  const me = await gql<{ me: { homeGrid: { name: string } } }>('{ me { homeGrid { name } } }', {}, await login(phone, 'newcomer-pass-1'))
  expect(me.me.homeGrid.name).toBe('锦绣院落2号网格')
})

test('a suggestion is submitted, answered by the community, and its points shown', async ({ browser }) => {
  const resident = await newResident('黄志强')
  const page = await (await personContext(browser, 'resident')).newPage()
  await logIn(page, resident.phone, resident.password, '/suggestions')
  await page.getByLabel('标题').fill('增加院落休息座椅')
  await page.getByLabel('内容').fill('老人散步时没有地方休息，建议在花园步道旁增加几张座椅。')
  await page.getByRole('button', { name: '提交建议' }).click()
  await expect(page.getByRole('status')).toHaveText('建议已提交，社区会尽快答复')
  const mine = page.getByTestId('my-suggestion').filter({ hasText: '增加院落休息座椅' })
  await expect(mine).toContainText('待答复')

  const list = await gql<{ suggestions: { edges: Array<{ node: { id: string; title: string } }> } }>('{ suggestions(first: 50) { edges { node { id title } } } }', {}, resident.token)
  const id = list.suggestions.edges.find((e) => e.node.title === '增加院落休息座椅')!.node.id
  await gql(
    'mutation($i: ReviewSuggestionInput!) { reviewSuggestion(input: $i) { errors { code } } }',
    { i: { suggestionId: id, decision: 'ADOPT', note: '下月安装六张座椅。' } },
    await login(DEMO.admin),
  )
  await page.reload()
  await expect(mine).toContainText('已采纳')
  await expect(mine).toContainText('社区答复：下月安装六张座椅。')
  const { balance } = await balanceAndHistory(resident.token)
  expect(balance).toBeGreaterThan(0)
  await expect(mine).toContainText(`采纳奖励 ${balance} 积分`)
  await page.goto('/points')
  await expect(page.getByTestId('points-entry').first()).toContainText('建议被采纳 · 建议：增加院落休息座椅')
})

test('a voucher is cancelled and its points come back', async ({ browser }) => {
  const resident = await newResident('林美华', 100)
  const page = await (await personContext(browser, 'resident')).newPage()
  await logIn(page, resident.phone, resident.password, '/market')
  const offer = page.getByTestId('offer').filter({ hasText: '盖碗茶一杯' })
  await offer.getByRole('button', { name: /兑换/ }).click()
  await expect(page.getByTestId('market-balance')).toHaveText('可用积分 70')
  await offer.getByRole('link', { name: '查看券码' }).click()
  const voucher = page.getByTestId('voucher').filter({ hasText: '盖碗茶一杯' })
  await voucher.getByRole('button', { name: '取消并退回积分' }).click()
  await expect(page.getByRole('status').filter({ hasText: '已取消，积分已退回' })).toBeVisible()
  await expect(voucher.getByTestId('voucher-status')).toHaveText('已取消')
  await expect(voucher.getByTestId('voucher-qr')).toHaveCount(0)
  await expect(page.getByTestId('header-balance')).toHaveText('100 积分')
  expect(await balanceAndHistory(resident.token)).toEqual({ balance: 100, reasons: ['REFUND', 'REDEMPTION', 'ADJUSTMENT'], vouchers: 1 })
})

test('the market loads more offers as the resident scrolls', async ({ browser }) => {
  const resident = await newResident('何静')
  const page = await (await personContext(browser, 'resident')).newPage()
  await logIn(page, resident.phone, resident.password, '/market')
  await expect(page.getByTestId('offer')).toHaveCount(10)
  const total = (await gql<{ offers: { edges: unknown[] } }>('{ offers(first: 100) { edges { node { id } } } }', {}, resident.token)).offers.edges.length
  expect(total).toBeGreaterThan(10)
  await page.getByTestId('offer').last().scrollIntoViewIfNeeded()
  await page.mouse.wheel(0, 5000)
  await expect(page.getByTestId('offer')).toHaveCount(total)
  await expect(page.getByText('没有更多了')).toBeVisible()
})

test('a resident registers a shop and sees it awaiting approval', async ({ browser }) => {
  const resident = await newResident('蒋老板')
  const page = await (await personContext(browser, 'merchant')).newPage()
  await logIn(page, resident.phone, resident.password, '/me')
  await page.getByRole('link', { name: '商家中心' }).first().click()
  await expect(page.getByText('您还没有店铺，注册一个吧')).toBeVisible()
  await page.getByLabel('店名').fill('蓉城花艺')
  await page.getByLabel('经营类别').fill('鲜花')
  await page.getByLabel('地址').fill('肖家河街道兴蓉路52号')
  await page.getByRole('button', { name: '注册店铺' }).click()
  await expect(page.getByRole('status')).toHaveText('已提交注册，等待社区审核')
  const shop = page.getByTestId('shop').filter({ hasText: '蓉城花艺' })
  await expect(shop.getByTestId('shop-status')).toHaveText('待审核')
  await expect(shop).toContainText('店铺审核通过后才能上架商品')
})

import { expect, test } from '@playwright/test'
import { DEMO, bakeryId, balanceAndHistory, craftedAccessToken, gql, login, newResident } from './api'
import { logIn, personContext } from './people'

test('a wrong password is refused in Chinese and logs no one in', async ({ browser }) => {
  const page = await (await personContext(browser, 'resident')).newPage()
  await page.goto('/login')
  await page.getByLabel('手机号').fill(DEMO.resident)
  await page.getByLabel('密码').fill('not-the-password')
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page.getByRole('alert')).toHaveText('手机号或密码错误')
  await expect(page).toHaveURL(/\/login$/)
  expect(await page.evaluate(() => localStorage.getItem('gridpoints.session'))).toBeNull()
})

test('an expired access token is refreshed silently', async ({ browser }) => {
  const resident = await newResident('周文静', 30)
  const page = await (await personContext(browser, 'resident')).newPage()
  await logIn(page, resident.phone, resident.password, '/points')
  await expect(page.getByTestId('points-balance')).toHaveText('30')

  const expired = craftedAccessToken(resident.id)
  await page.evaluate((token) => {
    const session = JSON.parse(localStorage.getItem('gridpoints.session')!)
    localStorage.setItem('gridpoints.session', JSON.stringify({ ...session, accessToken: token }))
  }, expired)
  await page.reload()

  await expect(page.getByTestId('points-balance')).toHaveText('30')
  await expect(page.getByTestId('points-entry')).toHaveCount(1)
  await expect(page).toHaveURL(/\/points$/)
  const held = await page.evaluate(() => JSON.parse(localStorage.getItem('gridpoints.session')!).accessToken as string)
  expect(held).not.toBe(expired)
  expect((await gql<{ me: { id: string } }>('{ me { id } }', {}, held)).me.id).toBe(resident.id)
})

test('a photo that is not an image is refused and no report is filed', async ({ browser }) => {
  const resident = await newResident('吴建国')
  const page = await (await personContext(browser, 'resident')).newPage()
  await logIn(page, resident.phone, resident.password, '/report')
  await page.getByLabel('问题描述').fill('楼下路面有坑。')
  await page.getByLabel('拍照或选择照片').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a picture') })
  await page.getByRole('button', { name: '提交上报' }).click()
  await expect(page.getByRole('alert')).toHaveText('照片必须是 JPEG、PNG 或 WebP 图片，每张不超过 8 MB，最多 6 张')
  await expect(page).toHaveURL(/\/report$/)
  const reports = await gql<{ reports: { edges: unknown[] } }>('{ reports(first: 10) { edges { node { id } } } }', {}, resident.token)
  expect(reports.reports.edges).toEqual([])
})

test('too few points: refused, nothing spent', async ({ browser }) => {
  const resident = await newResident('郑小红', 10)
  const page = await (await personContext(browser, 'resident')).newPage()
  await logIn(page, resident.phone, resident.password, '/market')
  const offer = page.getByTestId('offer').filter({ hasText: '环保购物袋' })
  await offer.getByRole('button', { name: /兑换/ }).click()
  await expect(offer.getByTestId('redeem-error')).toHaveText('积分不足，无法兑换')
  await expect(page.getByTestId('market-balance')).toHaveText('可用积分 10')
  expect(await balanceAndHistory(resident.token)).toEqual({ balance: 10, reasons: ['ADJUSTMENT'], vouchers: 0 })
})

test('an offer sold out while on screen: refused, nothing spent', async ({ browser }) => {
  const merchant = await login(DEMO.merchant)
  const title = `最后一份桂花糕 ${Date.now() % 100000}`
  await gql(
    'mutation($i: CreateOfferInput!) { createOffer(input: $i) { offer { id } errors { code message } } }',
    { i: { merchantId: await bakeryId(merchant), title, description: '仅此一份。', pointsPrice: 30, stock: 1 } },
    merchant,
  )
  const resident = await newResident('孙可欣', 100)
  const page = await (await personContext(browser, 'resident')).newPage()
  await logIn(page, resident.phone, resident.password, '/market')
  const offer = page.getByTestId('offer').filter({ hasText: title })
  await expect(offer).toContainText('剩余 1')

  const neighbour = await newResident('钱多多', 100)
  const offers = await gql<{ offers: { edges: Array<{ node: { id: string; title: string } }> } }>('{ offers(first: 50) { edges { node { id title } } } }', {}, neighbour.token)
  const offerId = offers.offers.edges.find((e) => e.node.title === title)!.node.id
  await gql('mutation($i: RedeemOfferInput!) { redeemOffer(input: $i) { voucher { id } } }', { i: { offerId, idempotencyKey: `neighbour-${Date.now()}` } }, neighbour.token)

  await offer.getByRole('button', { name: /兑换/ }).click()
  await expect(offer.getByTestId('redeem-error')).toHaveText('已兑完，库存不足')
  await expect(offer).toContainText('已兑完')
  await expect(page.getByTestId('market-balance')).toHaveText('可用积分 100')
  expect(await balanceAndHistory(resident.token)).toEqual({ balance: 100, reasons: ['ADJUSTMENT'], vouchers: 0 })
})

test('an access token the gateway refuses is replaced silently, the page filled in', async ({ browser }) => {
  const resident = await newResident('冯晓东', 40)
  const page = await (await personContext(browser, 'resident')).newPage()
  await logIn(page, resident.phone, resident.password, '/points')
  await expect(page.getByTestId('points-balance')).toHaveText('40')

  // Still within its time, but signed with a key the gateway does not hold.
  const forged = craftedAccessToken(resident.id, { secret: 'a-key-this-gateway-never-had-0123456789', minutesLeft: 10 })
  await page.evaluate((token) => {
    const session = JSON.parse(localStorage.getItem('gridpoints.session')!)
    localStorage.setItem('gridpoints.session', JSON.stringify({ ...session, accessToken: token }))
  }, forged)
  await page.reload()

  await expect(page.getByTestId('points-balance')).toHaveText('40')
  await expect(page.getByTestId('points-entry')).toHaveCount(1)
  await expect(page).toHaveURL(/\/points$/)
  const held = await page.evaluate(() => JSON.parse(localStorage.getItem('gridpoints.session')!).accessToken as string)
  expect(held).not.toBe(forged)
})

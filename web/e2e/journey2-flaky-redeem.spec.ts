import { expect, test } from '@playwright/test'
import { balanceAndHistory, newResident } from './api'
import { logIn, personContext } from './people'

test('a redemption survives a lost response and the network cut twice: one voucher, one debit', async ({ browser }) => {
  const resident = await newResident('王大勇', 100)
  const context = await personContext(browser, 'resident')
  const page = await context.newPage()
  await logIn(page, resident.phone, resident.password, '/market')
  const offer = page.getByTestId('offer').filter({ hasText: '环保购物袋' })
  await expect(offer).toBeVisible()

  // The first redemption reaches the gateway, but its answer is lost on the way back.
  let reached = 0
  await page.route('**/graphql', async (route) => {
    const body = route.request().postData() ?? ''
    if (!body.includes('"operationName":"Redeem"')) return route.continue()
    reached += 1
    if (reached === 1) {
      await route.fetch() // the gateway spends the points...
      return route.abort('internetdisconnected') // ...and the phone never hears of it
    }
    return route.continue()
  })

  await offer.getByRole('button', { name: /兑换/ }).click()
  await expect(offer.getByRole('status')).toContainText('正在重试')
  await context.setOffline(true)
  await expect(page.getByTestId('offline')).toHaveText('网络已断开，恢复后会自动重试')
  await page.waitForTimeout(1200)
  await context.setOffline(false)
  await expect(page.getByTestId('offline')).toHaveCount(0)
  await context.setOffline(true)
  await page.waitForTimeout(1200)
  await context.setOffline(false)

  await expect(offer.getByTestId('redeem-success')).toContainText('兑换成功')
  await expect(page.getByTestId('market-balance')).toHaveText('可用积分 80')
  expect(reached).toBeGreaterThanOrEqual(2)
  const after = await balanceAndHistory(resident.token)
  expect(after).toEqual({ balance: 80, reasons: ['REDEMPTION', 'ADJUSTMENT'], vouchers: 1 })
})

import { chromium, expect, test } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { CHROMIUM, CHROMIUM_FLAGS } from '../playwright.config'
import { DEMO, balanceAndHistory, newResident } from './api'
import { logIn, personContext } from './people'
import { pictureToY4m } from './camera'

test('a merchant puts up an offer, a resident redeems it, the desk scans the QR code once', async ({ browser }, info) => {
  const title = `周末手冲咖啡体验 ${Date.now() % 100000}`
  const resident = await newResident('李小满', 200)

  // The resident is on the marketplace already.
  const residentContext = await personContext(browser, 'resident')
  const phone = await residentContext.newPage()
  await logIn(phone, resident.phone, resident.password, '/market')
  await expect(phone.getByTestId('market-balance')).toHaveText('可用积分 200')

  // The merchant creates the offer.
  const merchantContext = await personContext(browser, 'merchant')
  const desk = await merchantContext.newPage()
  await logIn(desk, DEMO.merchant, DEMO.password, '/merchant/offers')
  const form = desk.getByTestId('new-offer')
  await form.getByLabel('商品名称').fill(title)
  await form.getByLabel('说明').fill('单品手冲咖啡一杯，含豆子介绍。')
  await form.getByLabel('所需积分').fill('50')
  await form.getByLabel('库存').fill('5')
  await form.getByLabel('每人限兑').fill('1')
  await form.getByRole('button', { name: '上架' }).click()
  await expect(form.getByRole('status')).toHaveText('已上架')

  // The resident finds it, redeems it, and sees the balance drop and the voucher's QR code.
  await phone.getByRole('button', { name: '刷新' }).click()
  const offer = phone.getByTestId('offer').filter({ hasText: title })
  await offer.getByRole('button', { name: /兑换/ }).click()
  await expect(offer.getByTestId('redeem-success')).toContainText('兑换成功')
  await expect(phone.getByTestId('market-balance')).toHaveText('可用积分 150')
  await expect(phone.getByTestId('header-balance')).toHaveText('150 积分')
  await offer.getByRole('link', { name: '查看券码' }).click()
  const voucher = phone.getByTestId('voucher').filter({ hasText: title })
  await expect(voucher.getByTestId('voucher-status')).toHaveText('未使用')
  const qr = voucher.getByTestId('voucher-qr')
  await expect(qr).toBeVisible()
  const code = (await voucher.getByTestId('voucher-code').textContent())!.trim()
  expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{5}$/)

  // The desk's camera is fed a picture of the resident's screen.
  const video = info.outputPath('voucher-qr.y4m')
  mkdirSync(dirname(video), { recursive: true })
  pictureToY4m(await qr.screenshot(), video)
  const cameraBrowser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_FLAGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  })
  try {
    const cameraContext = await personContext(cameraBrowser, 'merchant', { permissions: ['camera'] })
    const scanner = await cameraContext.newPage()
    await logIn(scanner, DEMO.merchant, DEMO.password, '/merchant/desk')
    await scanner.getByRole('button', { name: '扫码核销' }).click()
    await expect(scanner.getByTestId('desk-accepted')).toContainText(`核销成功：${title} · 50 积分`)
    await expect(scanner.getByTestId('desk-accepted')).toContainText(code)
    await expect(scanner.getByTestId('desk-accepted')).toContainText('持券人：李小满')

    // The resident's voucher shows as used, without a reload.
    await expect(voucher.getByTestId('voucher-status')).toHaveText('已使用')

    // The same code again is refused, clearly.
    await scanner.getByLabel('券码').fill(code)
    await scanner.getByRole('button', { name: '核销', exact: true }).click()
    await expect(scanner.getByTestId('desk-refused')).toContainText('此券无法核销')
    await expect(scanner.getByTestId('desk-accepted')).toHaveCount(0)
  } finally {
    await cameraBrowser.close()
  }
  const after = await balanceAndHistory(resident.token)
  expect(after).toEqual({ balance: 150, reasons: ['REDEMPTION', 'ADJUSTMENT'], vouchers: 1 })
})

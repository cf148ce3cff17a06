import { expect, test } from '@playwright/test'
import { checkPage } from './checks'
import { DEMO, gql, login } from './api'
import { logIn, personContext } from './people'

test('resident pages on a phone', async ({ browser }) => {
  test.slow() // fourteen pages, each through axe: on a loaded machine this takes minutes
  const context = await personContext(browser, 'resident')
  const page = await context.newPage()
  await page.goto('/login')
  await checkPage(page, 'resident-login')
  await page.goto('/register')
  await expect(page.getByLabel('院落')).toContainText('桂溪院落')
  await checkPage(page, 'resident-register')

  await logIn(page, DEMO.resident, DEMO.password, '/')
  await expect(page.getByTestId('notice').first()).toBeVisible()
  await checkPage(page, 'resident-home')
  for (const [path, name, ready] of [
    ['/market', 'resident-market', 'offer'],
    ['/vouchers', 'resident-vouchers', 'voucher-qr'],
    ['/points', 'resident-points', 'points-entry'],
    ['/reports', 'resident-reports', 'report-item'],
    ['/events', 'resident-events', 'event'],
    ['/suggestions', 'resident-suggestions', 'my-suggestion'],
    ['/venues', 'resident-venues', 'venue'],
  ] as const) {
    await page.goto(path)
    await expect(page.getByTestId(ready).first()).toBeVisible()
    await checkPage(page, name)
  }
  await page.goto('/report')
  await checkPage(page, 'resident-report-new')
  await page.goto('/me')
  await checkPage(page, 'resident-me')

  const token = await login(DEMO.resident)
  const reports = await gql<{ reports: { edges: Array<{ node: { id: string; status: string } }> } }>(
    '{ reports(first: 20) { edges { node { id status } } } }', {}, token,
  )
  const verified = reports.reports.edges.find((e) => e.node.status === 'VERIFIED')!.node.id
  await page.goto(`/reports/${verified}`)
  await expect(page.getByTestId('report-status')).toHaveText('已核实')
  await checkPage(page, 'resident-report')

  // English is one tap away, with every string translated.
  await page.goto('/market')
  await page.getByRole('button', { name: 'English' }).click()
  await expect(page.getByRole('heading', { name: 'Points market' })).toBeVisible()
  await checkPage(page, 'resident-market-en')
})

test('merchant pages on a desktop', async ({ browser }) => {
  test.slow()
  const context = await personContext(browser, 'merchant')
  const page = await context.newPage()
  await logIn(page, DEMO.merchant, DEMO.password, '/merchant')
  await expect(page.getByTestId('shop-status').first()).toHaveText('营业中')
  await checkPage(page, 'merchant-shop')
  await page.goto('/merchant/offers')
  await expect(page.getByTestId('merchant-offer').first()).toBeVisible()
  await checkPage(page, 'merchant-offers')
  await page.goto('/merchant/desk')
  await checkPage(page, 'merchant-desk')
  await page.goto('/merchant/redemptions')
  await expect(page.getByTestId('redemptions')).toBeVisible()
  await checkPage(page, 'merchant-redemptions')
  await page.goto('/merchant/settlement')
  await expect(page.getByTestId('settlement-used')).not.toHaveText('0')
  await checkPage(page, 'merchant-settlement')
})

test('the settlement downloads as CSV with a BOM, so Excel reads the Chinese', async ({ browser }) => {
  const context = await personContext(browser, 'merchant')
  const page = await context.newPage()
  await logIn(page, DEMO.merchant, DEMO.password, '/merchant/settlement')
  const used = await page.getByTestId('settlement-used').textContent()
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: '下载 CSV' }).click()
  const file = await (await download).path()
  const bytes = (await import('node:fs')).readFileSync(file)
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const text = bytes.toString('utf8').slice(1)
  expect(text.split('\r\n')[0]).toBe('结算单 · 麦香烘焙坊')
  expect(text).toContain(`核销张数,${used}`)
  expect(text).toContain('手工吐司一条')
})

test('operations go out as their manifest hash first, the text only when the gateway asks', async ({ browser }) => {
  const manifest = JSON.parse((await import('node:fs')).readFileSync('dist/persisted-documents.json', 'utf8')) as Record<string, string>
  const page = await (await personContext(browser, 'resident')).newPage()
  const bodies: Array<{ operationName?: string; query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } }> = []
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && request.method() === 'POST') bodies.push(JSON.parse(request.postData() ?? '{}'))
  })
  await logIn(page, DEMO.resident, DEMO.password, '/')
  const first = bodies.find((b) => b.operationName === 'Login')!
  expect(first.query).toBeUndefined()
  expect(manifest[`sha256:${first.extensions!.persistedQuery!.sha256Hash}`]).toContain('mutation Login')
})

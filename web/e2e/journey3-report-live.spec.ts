import { expect, test } from '@playwright/test'
import { PNG } from 'pngjs'
import { DEMO, balanceAndHistory, gql, login, newResident, userId } from './api'
import { logIn, personContext } from './people'

function photo(): Buffer {
  const png = new PNG({ width: 64, height: 48 })
  for (let i = 0; i < png.data.length; i += 4) png.data.set([200, 80, 40, 255], i)
  return PNG.sync.write(png)
}

async function step(action: string, reportId: string, token: string, extra: Record<string, unknown> = {}): Promise<void> {
  const inputType = action === 'dispatchReport' ? 'DispatchReportInput' : 'ReportActionInput'
  const data = await gql<Record<string, { errors: unknown[] }>>(
    `mutation($i: ${inputType}!) { ${action}(input: $i) { errors { code message } } }`,
    { i: { reportId, ...extra } },
    token,
  )
  expect(data[action]!.errors).toEqual([])
}

test('a resident reports a hazard with a photo and watches it move on live until points arrive', async ({ browser }) => {
  const resident = await newResident('赵晓雨')
  const context = await personContext(browser, 'resident', {
    geolocation: { latitude: 30.6045, longitude: 104.0512 },
    permissions: ['geolocation'],
  })
  const page = await context.newPage()
  await logIn(page, resident.phone, resident.password, '/report')

  await page.getByRole('button', { name: '安全隐患' }).click()
  await page.getByLabel('问题描述').fill('2栋门口井盖松动，晚上容易绊倒。')
  await page.getByLabel('拍照或选择照片').setInputFiles({ name: 'hazard.png', mimeType: 'image/png', buffer: photo() })
  await page.getByRole('button', { name: '使用当前位置' }).click()
  await expect(page.getByText('已定位：30.60450, 104.05120')).toBeVisible()
  await page.getByLabel('地址').fill('桂溪院落2栋门口')
  await page.getByRole('button', { name: '提交上报' }).click()

  await expect(page).toHaveURL(/\/reports\/[^/]+\?new=1$/)
  const reportId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!)
  await expect(page.getByTestId('report-status')).toHaveText('已提交')
  await expect(page.getByTestId('report-photo')).toHaveCount(1)
  expect(await page.getByTestId('report-photo').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64)

  const admin = await login(DEMO.admin)
  const manager = await login(DEMO.propertyManager)
  const steps: Array<[string, string, string, Record<string, unknown>]> = [
    ['acceptReport', admin, '已受理', { note: '已受理' }],
    ['dispatchReport', admin, '已派单', { assigneeId: await userId(manager), note: '请物业维修' }],
    ['resolveReport', manager, '已处理', { note: '井盖已固定' }],
    ['verifyReport', admin, '已核实', { note: '现场核实' }],
  ]
  for (const [index, [action, token, shown, extra]] of steps.entries()) {
    await step(action, reportId, token, extra)
    await expect(page.getByTestId('report-status')).toHaveText(shown)
    await expect(page.getByTestId('timeline-step')).toHaveCount(index + 2)
  }
  const earned = (await balanceAndHistory(resident.token)).balance
  expect(earned).toBeGreaterThan(0)
  await expect(page.getByTestId('report-points')).toHaveText(`获得 ${earned} 积分`)
  await expect(page.getByTestId('header-balance')).toHaveText(`${earned} 积分`)
  expect(page.url()).toContain('?new=1') // never reloaded
})

import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { baseUrl } from './api'

export const PHONE = { width: 390, height: 844 }
export const DESKTOP = { width: 1280, height: 860 }

/** A browser context of one person's own: a phone for residents, a desk for merchants. */
export async function personContext(
  browser: Browser,
  kind: 'resident' | 'merchant',
  extra: Parameters<Browser['newContext']>[0] = {},
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: baseUrl(),
    viewport: kind === 'resident' ? PHONE : DESKTOP,
    isMobile: kind === 'resident',
    hasTouch: kind === 'resident',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...extra,
  })
}

/** Log in through the login page, as a person would. */
export async function logIn(page: Page, phone: string, password: string, next = '/'): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`)
  await page.getByLabel('手机号').fill(phone)
  await page.getByLabel('密码').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[/?]/g, '\\$&')}$`))
}

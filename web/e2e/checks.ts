import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

// Every page, as its person sees it: axe-core finds no serious or critical violation, and a
// screenshot (phone for residents, desktop for merchants) is kept in test-results/screenshots.
// GRIDPOINTS_DOCS_SCREENSHOTS=1 also refreshes the README's per-role pictures in docs/screenshots.
const SHOTS = resolve('test-results/screenshots')
const DOCS = resolve('../docs/screenshots')
mkdirSync(SHOTS, { recursive: true })
const DOC_PAGES = ['resident-market', 'resident-vouchers', 'merchant-offers']

export async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle')
  await expect(page.getByText('加载中…')).toHaveCount(0)
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const grave = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
  expect(grave, `${name}: serious or critical accessibility violations`).toEqual([])
  const noHorizontalScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
  expect(noHorizontalScroll, `${name} scrolls sideways`).toBe(true)
  const file = join(SHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  if (process.env.GRIDPOINTS_DOCS_SCREENSHOTS === '1' && DOC_PAGES.includes(name)) {
    mkdirSync(DOCS, { recursive: true })
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(DOCS, `${name}.png`) }) // the screen as a person sees it
  }
}

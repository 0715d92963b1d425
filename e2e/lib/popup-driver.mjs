// Drives Parley's popup in Debian's Chromium for the popup e2e: launches a profile with the built
// extension, opens the popup page (360×600) or the full tab, calls RPC methods the way the page
// does, onboards, and captures screenshots (light and dark); see SCREENSHOTS for where they go.
import { chromium } from 'playwright-core'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromiumArgs, ROOT } from '../harness.mjs'
import { assertAccessible } from './axe.mjs'

export const DIST = join(ROOT, 'dist', 'chrome')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
// The README shows docs/screenshots/: refreshed on purpose (UPDATE_SCREENSHOTS=1 npm run e2e:popup),
// so an ordinary run (and CI) writes its captures to e2e/output/screenshots/ and leaves the tree clean.
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(ROOT, 'e2e', 'output', 'screenshots')
export const POPUP = { width: 360, height: 600 }
export const TAB = { width: 1100, height: 720 }
/** Generous: identity creation and network round trips on a busy 2-core machine. */
export const NETWORK_MS = 60_000

export async function launchProfile(profileDir) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: POPUP,
    args: chromiumArgs(DIST),
  })
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }))
  return { context, extensionId: new URL(worker.url()).host }
}

export async function openPopup(profile, { view = 'popup', hash = '' } = {}) {
  const page = await profile.context.newPage()
  await page.setViewportSize(view === 'tab' ? TAB : POPUP)
  await page.goto(`chrome-extension://${profile.extensionId}/src/popup/index.html${view === 'tab' ? '?view=tab' : ''}${hash}`)
  return page
}

/** Calls an RPC method from an extension page, exactly as the popup's client does. */
export async function rpc(page, method, params) {
  const response = await page.evaluate(
    ([m, p]) => chrome.runtime.sendMessage({ tag: 'parley/rpc@1', request: p === undefined ? { method: m } : { method: m, params: p } }),
    [method, params],
  )
  if (!response?.ok) throw new Error(`${method}: ${JSON.stringify(response?.error ?? response)}`)
  return response.result
}

/** Captures a screen (light and dark) after axe-core found no serious or critical violation on it. */
export async function shot(page, name, { dark = true } = {}) {
  await mkdir(SCREENSHOTS, { recursive: true })
  const view = (page.viewportSize()?.width ?? 360) > 400 ? 'tab' : 'popup'
  await assertAccessible(page, `${name} (${view})`)
  await page.emulateMedia({ colorScheme: 'light' })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${view}-light.png`), animations: 'disabled' })
  if (dark) {
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${view}-dark.png`), animations: 'disabled' })
    await page.emulateMedia({ colorScheme: 'light' })
  }
}

export async function setPasswords(page, password) {
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByLabel('Confirm password', { exact: true }).fill(password)
}

/** Create path: reads the phrase shown, answers the three-word check, sets the password. */
export async function onboardCreate(page, password, { screenshots = false } = {}) {
  await page.getByRole('button', { name: 'Create a new wallet', exact: true }).click()
  const grid = page.getByTestId('recovery-phrase')
  await grid.waitFor()
  const words = (await grid.locator('.word').allTextContents()).map((w) => w.trim())
  if (screenshots) await shot(page, 'onboarding-phrase')
  await page.getByLabel('I have written down my recovery phrase').check()
  await page.getByRole('button', { name: 'Continue' }).click()
  const fields = page.getByLabel(/^Word #\d+$/)
  await fields.first().waitFor()
  for (let i = 0; i < 3; i++) {
    const field = fields.nth(i)
    const label = await page.locator(`label[for="${await field.getAttribute('id')}"]`).textContent()
    await field.fill(words[Number(label.replace('Word #', '')) - 1])
  }
  if (screenshots) await shot(page, 'onboarding-check')
  await page.getByRole('button', { name: 'Continue' }).click()
  await setPasswords(page, password)
  await page.locator('button:has-text("Create wallet"):not([disabled])').waitFor()
  if (screenshots) await shot(page, 'onboarding-password')
  await page.getByRole('button', { name: 'Create wallet' }).click()
  return words.join(' ')
}

export async function onboardImport(page, secret, password, { screenshots = false } = {}) {
  await page.getByRole('button', { name: 'Import a wallet', exact: true }).click()
  await page.getByLabel('Recovery phrase or private key', { exact: true }).fill(secret)
  if (screenshots) await shot(page, 'onboarding-import')
  await page.getByRole('button', { name: 'Continue' }).click()
  await setPasswords(page, password)
  await page.getByRole('button', { name: 'Import wallet' }).click()
}

/** Waits until the messenger's list shows (identity ready). */
export async function waitForMessenger(page) {
  await page.getByRole('button', { name: 'New conversation', exact: true }).waitFor({ timeout: NETWORK_MS })
}

export function conversationLink(page, address) {
  return page.getByRole('link', { name: address, exact: true })
}

/** The list row around a conversation link (its preview, time and unread badge). */
export function conversationRow(page, address) {
  return conversationLink(page, address).locator('xpath=ancestor::li[1]')
}

/** The bubble row holding `text` (a locator), optionally only in a given delivery state. */
export function bubble(page, text, delivery) {
  const rows = page.locator(`li.bubble-row${delivery ? `[data-delivery="${delivery}"]` : ''}`)
  return rows.filter({ hasText: text })
}

export async function sendText(page, text) {
  const box = page.getByRole('textbox', { name: 'Message', exact: true })
  await box.fill(text)
  await box.press('Enter')
  await bubble(page, text, 'sent').waitFor({ timeout: NETWORK_MS })
}

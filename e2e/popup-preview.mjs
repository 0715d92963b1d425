// Test-only: builds the popup over the fake background and screenshots each screen (popup and
// full tab, light and dark) into e2e/output/preview/ for a person to look at. Not part of CI.
import { chromium } from 'playwright-core'
import { build } from 'vite'
import { createServer } from 'node:http'
import { readFile, mkdir } from 'node:fs/promises'
import { join, extname } from 'node:path'
import { OUTPUT_DIR, ROOT } from './harness.mjs'

const dir = join(OUTPUT_DIR, 'popup-preview')
await build({ configFile: join(ROOT, 'e2e/lib/popup-preview.vite.config.ts') })
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' }
const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname
  try {
    const body = await readFile(join(dir, path === '/' ? 'preview.html' : path))
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body)
  } catch {
    res.writeHead(404).end()
  }
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const base = `http://127.0.0.1:${server.address().port}/preview.html`
const out = join(OUTPUT_DIR, 'preview')
await mkdir(out, { recursive: true })
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const only = process.argv[2]
const shots = [
  ['welcome', 'onboarding', ''],
  ['unlock', 'unlock', ''],
  ['identity', 'identity', ''],
  ['conversations', 'list', ''],
  ['requests', 'list', '#/requests'],
  ['node-down', 'node-down', ''],
  ['conversation', 'list', 'conversation'],
  ['conversation-short', 'list', 'conversation:0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'],
  ['new-conversation', 'list', '#/new'],
  ['accounts', 'list', '#/accounts'],
  ['settings', 'list', '#/settings'],
]
for (const scheme of ['light', 'dark']) {
  for (const view of ['popup', 'tab']) {
    const page = await browser.newPage({ colorScheme: scheme, viewport: view === 'popup' ? { width: 360, height: 600 } : { width: 1100, height: 720 } })
    for (const [name, scenario, hash] of shots) {
      if (only && !name.startsWith(only)) continue
      let h = hash
      const peer = hash === 'conversation' ? '0x8ba1f109551bD432803012645Ac136ddd64DBA72' : hash.startsWith('conversation:') ? hash.slice(13) : null
      if (peer) h = ''
      await page.goto(`${base}?scenario=${scenario}&view=${view}${h}`)
      await page.waitForTimeout(150)
      if (peer) {
        await page.getByRole('link', { name: peer }).click()
        await page.waitForTimeout(200)
      }
      await page.screenshot({ path: join(out, `${name}-${view}-${scheme}.png`) })
    }
    await page.close()
  }
}
await browser.close()
server.close()
console.log(`screenshots in ${out}`)

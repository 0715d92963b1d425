import { chromium } from 'playwright-core'
import { build } from 'vite'
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join, extname } from 'node:path'
const ROOT = '/work/wt/i23'
const { OUTPUT_DIR } = await import('./harness.mjs')
const { seriousViolations } = await import('./lib/axe.mjs')
const dir = join(OUTPUT_DIR, 'popup-preview')
if (!process.env.NOBUILD) await build({ configFile: join(ROOT, 'e2e/lib/popup-preview.vite.config.ts'), logLevel: 'warn' })
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' }
const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname
  let body
  try { body = await readFile(join(dir, path === '/' ? 'preview.html' : path)) } catch { res.writeHead(404).end(); return }
  res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body)
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const base = `http://127.0.0.1:${server.address().port}/preview.html`
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const shots = [['welcome','onboarding',''],['unlock','unlock',''],['identity','identity',''],['conversations','list',''],['requests','list','#/requests'],['node-down','node-down',''],['conversation','list','conversation'],['new','list','#/new'],['accounts','list','#/accounts'],['settings','list','#/settings']]
for (const scheme of ['light','dark']) for (const view of ['popup','tab']) {
  const page = await browser.newPage({ colorScheme: scheme, viewport: view === 'popup' ? { width: 360, height: 600 } : { width: 1100, height: 720 } })
  for (const [name, scenario, hash] of shots) {
    const peer = hash === 'conversation' ? '0x8ba1f109551bD432803012645Ac136ddd64DBA72' : null
    await page.goto(`${base}?scenario=${scenario}&view=${view}${peer ? '' : hash}`)
    await page.waitForTimeout(150)
    if (peer) { await page.getByRole('link', { name: peer }).click(); await page.waitForTimeout(200) }
    for (const v of await seriousViolations(page)) console.log(scheme, view, name, v.id, v.impact, '|', v.targets.join(' ; '))
  }
  await page.close()
}
await browser.close(); server.close()

// `npm run browser` for real: Debian's Chromium (headless here, there is no display) on a fresh
// profile, the built extension loaded, and its popup rendered in a tab.

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { unpackedExtensionId } from './browser.ts'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const profiles = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('parley-browser-')))

describe('npm run browser', () => {
  it('opens Chromium with Parley loaded and its popup rendered in a tab, and removes the profile after', async () => {
    if (!existsSync(`${ROOT}dist/chrome/manifest.json`)) {
      expect(spawnSync('npm', ['run', '--silent', 'build:chrome'], { cwd: ROOT }).status).toBe(0)
    }
    const before = profiles()
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/browser.ts', '--no-build', '--headless'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const deadline = Date.now() + 90_000
    while (!out.includes("Parley's popup is open") && !out.includes('warning:') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    const created = [...profiles()].filter((name) => !before.has(name))
    child.kill('SIGTERM')
    await exited
    const id = unpackedExtensionId(`${ROOT}dist/chrome`)
    expect(out).toContain(`==> Parley's popup is open in a tab: chrome-extension://${id}/src/popup/index.html ("Parley")`)
    expect(created).toHaveLength(1)
    expect(profiles().has(created[0]!)).toBe(false)
  }, 120_000)

  it('runs Firefox headless on a machine without a display (it used to fail with ECONNREFUSED)', async () => {
    if (!existsSync(`${ROOT}dist/firefox/manifest.json`)) {
      expect(spawnSync('npm', ['run', '--silent', 'build:firefox'], { cwd: ROOT }).status).toBe(0)
    }
    const env = { ...process.env }
    delete env.DISPLAY
    delete env.WAYLAND_DISPLAY
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/browser.ts', '--firefox', '--no-build'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const deadline = Date.now() + 90_000
    while (!out.includes('as a temporary add-on') && !/error/i.test(out) && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    child.kill('SIGTERM')
    await exited
    expect(out).toContain('running the browser headless')
    expect(out).toMatch(/Installed \S+\/dist\/firefox as a temporary add-on/)
    expect(out).not.toContain('ECONNREFUSED')
  }, 120_000)

  it('prints the Firefox command with --dry-run, and refuses unknown options with usage', () => {
    const dry = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/browser.ts', '--firefox', '--dry-run'], { cwd: ROOT, encoding: 'utf8' })
    expect(dry.status).toBe(0)
    expect(dry.stdout).toMatch(/web-ext\.js run --source-dir=\S+\/dist\/firefox --firefox=\/usr\/bin\/firefox-esr/)
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/browser.ts', '--opera'], { cwd: ROOT, encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("error: Unknown option '--opera'")
    expect(bad.stderr).toContain('Usage: npm run browser')
  })
})

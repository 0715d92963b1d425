import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { chromiumCommand, FIREFOX_UUID, firefoxCommand, GECKO_ID, parseBrowserArgs, unpackedExtensionId, UsageError, wantsHeadless } from './browser.ts'

describe('npm run browser: arguments', () => {
  it('defaults to Chromium, building first', () => {
    expect(parseBrowserArgs([])).toEqual({ browser: 'chromium', build: true, dryRun: false, headless: false, help: false })
  })

  it('reads every option', () => {
    expect(parseBrowserArgs(['--firefox', '--no-build', '--dry-run'])).toEqual({ browser: 'firefox', build: false, dryRun: true, headless: false, help: false })
    expect(parseBrowserArgs(['--chromium', '--headless']).headless).toBe(true)
    expect(parseBrowserArgs(['-h']).help).toBe(true)
  })

  it.each([
    [['--chrome'], /Unknown option '--chrome'/],
    [['firefox'], /positional/],
    [['--chromium', '--firefox'], /choose one browser/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseBrowserArgs(argv as string[])).toThrow(UsageError)
    expect(() => parseBrowserArgs(argv as string[])).toThrow(message)
  })
})

describe('npm run browser: the command lines', () => {
  it('computes the id Chromium gives an unpacked extension from its path', () => {
    // SHA-256 of the path, first 32 hex digits mapped 0-f → a-p.
    const path = '/work/parley/dist/chrome'
    const hex = createHash('sha256').update(path).digest('hex').slice(0, 32)
    expect(unpackedExtensionId(path)).toBe(hex.replace(/./g, (d) => 'abcdefghijklmnop'[parseInt(d, 16)]!))
    expect(unpackedExtensionId(path)).toMatch(/^[a-p]{32}$/)
  })

  it('loads only the built extension into a fresh profile and opens its popup', () => {
    const command = chromiumCommand({ executable: '/usr/bin/chromium', dist: '/work/parley/dist/chrome', profile: '/tmp/p1', popup: 'src/popup/index.html', asRoot: false })
    expect(command.file).toBe('/usr/bin/chromium')
    expect(command.args).toEqual([
      '--user-data-dir=/tmp/p1',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-extensions-except=/work/parley/dist/chrome',
      '--load-extension=/work/parley/dist/chrome',
      '--remote-debugging-pipe',
    ])
    expect(command.popupUrl).toBe(`chrome-extension://${unpackedExtensionId('/work/parley/dist/chrome')}/src/popup/index.html`)
  })

  it('adds --no-sandbox only as root, and headless flags only when asked', () => {
    const root = chromiumCommand({ executable: 'c', dist: '/d', profile: '/p', popup: 'x.html', asRoot: true, headless: true })
    expect(root.args.slice(-3)).toEqual(['--no-sandbox', '--headless=new', '--disable-gpu'])
    const relative = chromiumCommand({ executable: 'c', dist: 'dist/chrome', profile: '/p', popup: 'x.html', asRoot: false })
    expect(relative.args).toContain(`--load-extension=${process.cwd()}/dist/chrome`)
  })

  it('runs Firefox through web-ext with a fixed extension UUID, so the popup URL is known', () => {
    const command = firefoxCommand({ executable: '/usr/bin/firefox-esr', dist: '/work/parley/dist/firefox', popup: 'src/popup/index.html' })
    expect(command.file).toBe(process.execPath)
    expect(command.args[0]).toMatch(/node_modules\/web-ext\/bin\/web-ext\.js$/)
    expect(command.args.slice(1)).toEqual([
      'run',
      '--source-dir=/work/parley/dist/firefox',
      '--firefox=/usr/bin/firefox-esr',
      `--pref=extensions.webextensions.uuids=${JSON.stringify({ [GECKO_ID]: FIREFOX_UUID })}`,
      `--start-url=moz-extension://${FIREFOX_UUID}/src/popup/index.html`,
      '--no-reload',
    ])
  })

  it('runs headless when asked or when there is no display, Firefox too', () => {
    expect(parseBrowserArgs(['--firefox', '--headless']).headless).toBe(true)
    expect(wantsHeadless({ headless: false }, {})).toBe(true)
    expect(wantsHeadless({ headless: false }, { DISPLAY: ':0' })).toBe(false)
    expect(wantsHeadless({ headless: false }, { WAYLAND_DISPLAY: 'wayland-0' })).toBe(false)
    expect(wantsHeadless({ headless: true }, { DISPLAY: ':0' })).toBe(true)
    const command = firefoxCommand({ executable: 'f', dist: '/d', popup: 'x.html', headless: true })
    expect(command.args.at(-1)).toBe('--arg=--headless')
  })
})

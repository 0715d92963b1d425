// `npm run browser`: try Parley without loading it by hand. Opens Debian's Chromium (or, with
// --firefox, firefox-esr through `web-ext run`) on a fresh, throwaway profile with the built
// extension loaded and its popup page open in a tab. Installs the browser with apt when missing.
//
//   npm run browser                 Chromium, builds dist/chrome first
//   npm run browser -- --firefox    Firefox (web-ext run), builds dist/firefox first
//   npm run browser -- --dry-run    print the command instead of running it

import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Readable, Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { GECKO_ID } from '../manifest.config.ts'

export const ROOT = fileURLToPath(new URL('../', import.meta.url))
export { GECKO_ID }
/** A fixed moz-extension host, so the popup's URL is known before Firefox starts. */
export const FIREFOX_UUID = '6f1d3a52-9c1e-4b0a-8d57-5a3e7c2f9b10'

export const USAGE = `Usage: npm run browser [-- options]

Opens a browser on a fresh profile with the built Parley extension loaded and its popup in a tab.

Options:
  --chromium        Debian's Chromium (default)
  --firefox         firefox-esr, through web-ext run
  --no-build        use the existing build in dist/ instead of building first
  --dry-run         print the browser command and exit
  --headless        no window (to check that it all loads, e.g. on a server); the default
                    when there is no display (no DISPLAY or WAYLAND_DISPLAY)
  -h, --help        show this help

Environment: CHROMIUM_PATH, FIREFOX_PATH (default /usr/bin/chromium, /usr/bin/firefox-esr).
The node is not started here: run npm start (or npm start -- --browser) for both.
`

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export interface BrowserOptions {
  browser: 'chromium' | 'firefox'
  build: boolean
  dryRun: boolean
  headless: boolean
  help: boolean
}

export function parseBrowserArgs(argv: string[]): BrowserOptions {
  let values
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        chromium: { type: 'boolean' },
        firefox: { type: 'boolean' },
        'no-build': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        headless: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  if (values.chromium && values.firefox) throw new UsageError('choose one browser: --chromium or --firefox')
  return { browser: values.firefox ? 'firefox' : 'chromium', build: !values['no-build'], dryRun: values['dry-run'] === true, headless: values.headless === true, help: values.help === true }
}

/**
 * The id Chromium gives an unpacked extension without a manifest key: the SHA-256 of its
 * absolute path, first 128 bits, each hex digit mapped 0-f → a-p.
 */
export function unpackedExtensionId(absolutePath: string): string {
  const hex = createHash('sha256').update(absolutePath).digest('hex').slice(0, 32)
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('')
}

/** The popup page declared in a built manifest (action.default_popup). */
export function popupPath(dist: string): string {
  const manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8')) as { action?: { default_popup?: string } }
  const popup = manifest.action?.default_popup
  if (!popup) throw new Error(`${dist}/manifest.json declares no action.default_popup`)
  return popup
}

export interface Command {
  file: string
  args: string[]
}

export interface ChromiumCommand extends Command {
  extensionId: string
  /** Opened over the DevTools pipe once the extension has loaded (a start URL would race it). */
  popupUrl: string
}

export function chromiumCommand(options: { executable: string; dist: string; profile: string; popup: string; asRoot: boolean; headless?: boolean }): ChromiumCommand {
  const dist = resolve(options.dist)
  const extensionId = unpackedExtensionId(dist)
  return {
    file: options.executable,
    extensionId,
    popupUrl: `chrome-extension://${extensionId}/${options.popup}`,
    args: [
      `--user-data-dir=${options.profile}`,
      '--no-first-run',
      '--no-default-browser-check',
      // Debian's wrapper adds an empty --load-extension= of its own; ours comes later and wins.
      `--disable-extensions-except=${dist}`,
      `--load-extension=${dist}`,
      // DevTools over file descriptors 3 and 4: no port opened, only this script can drive it.
      '--remote-debugging-pipe',
      // Chromium refuses to start as root with its sandbox on.
      ...(options.asRoot ? ['--no-sandbox'] : []),
      ...(options.headless ? ['--headless=new', '--disable-gpu'] : []),
    ],
  }
}

/** Headless when asked, or when there is no display to show a window on (a server, CI, SSH). */
export function wantsHeadless(options: Pick<BrowserOptions, 'headless'>, env: NodeJS.ProcessEnv = process.env): boolean {
  return options.headless || (!env.DISPLAY && !env.WAYLAND_DISPLAY)
}

export function firefoxCommand(options: { executable: string; dist: string; popup: string; headless?: boolean }): Command {
  const uuids = JSON.stringify({ [GECKO_ID]: FIREFOX_UUID })
  return {
    file: process.execPath,
    args: [
      join(ROOT, 'node_modules/web-ext/bin/web-ext.js'),
      'run',
      `--source-dir=${resolve(options.dist)}`,
      `--firefox=${options.executable}`,
      `--pref=extensions.webextensions.uuids=${uuids}`,
      `--start-url=moz-extension://${FIREFOX_UUID}/${options.popup}`,
      '--no-reload',
      // Without a display Firefox cannot open a window, and web-ext's connection to it is refused.
      ...(options.headless ? ['--arg=--headless'] : []),
    ],
  }
}

const PACKAGES = { chromium: 'chromium', firefox: 'firefox-esr' } as const

/** Installs the browser with apt-get (as root) when its executable is missing. */
function ensureBrowser(browser: BrowserOptions['browser'], executable: string): void {
  if (existsSync(executable)) return
  const pkg = PACKAGES[browser]
  if (process.getuid?.() !== 0) throw new Error(`${executable} is missing: install it with sudo apt-get install -y ${pkg}`)
  process.stdout.write(`==> installing ${pkg} with apt-get\n`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', pkg]]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env })
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`)
  }
  if (!existsSync(executable)) throw new Error(`${pkg} is installed but ${executable} is still missing`)
}

/** DevTools over Chromium's pipe (fd 3 in, fd 4 out): NUL-terminated JSON messages. */
class DevToolsPipe {
  private nextId = 1
  private buffered = ''
  private readonly pending = new Map<number, { resolve(result: any): void; reject(error: Error): void }>() // eslint-disable-line @typescript-eslint/no-explicit-any
  private readonly listeners: ((method: string, params: any) => void)[] = [] // eslint-disable-line @typescript-eslint/no-explicit-any

  constructor(
    private readonly toBrowser: Writable,
    fromBrowser: Readable,
  ) {
    fromBrowser.setEncoding('utf8')
    fromBrowser.on('data', (chunk: string) => {
      this.buffered += chunk
      const messages = this.buffered.split('\0')
      this.buffered = messages.pop()!
      for (const text of messages) this.receive(JSON.parse(text))
    })
    toBrowser.on('error', () => {}) // the browser closed: nothing more to send
  }

  private receive(message: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } }): void {
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id)
      this.pending.delete(message.id)
      if (message.error) waiter?.reject(new Error(message.error.message))
      else waiter?.resolve(message.result)
    } else if (message.method) {
      for (const listener of this.listeners) listener(message.method, message.params)
    }
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const id = this.nextId++
    this.toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId && { sessionId }) })}\0`)
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }))
  }

  on(listener: (method: string, params: any) => void): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    this.listeners.push(listener)
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref())

/** Waits for the extension's worker, opens the popup in a tab, and checks that it rendered. */
async function openPopupWhenLoaded(pipe: DevToolsPipe, command: ChromiumCommand): Promise<string> {
  const loaded = new Promise<void>((resolve) => {
    pipe.on((method, params) => {
      const info = params?.targetInfo
      if (method === 'Target.targetCreated' && info?.type === 'service_worker' && String(info.url).startsWith(`chrome-extension://${command.extensionId}/`)) resolve()
    })
  })
  await pipe.send('Target.setDiscoverTargets', { discover: true })
  await Promise.race([loaded, sleep(60_000).then(() => Promise.reject(new Error('the extension did not load within 60 s')))])
  // A tab opened the moment the worker appears can still be refused while the extension
  // finishes registering; open it again (a few times) until the page has rendered.
  for (let attempt = 1; attempt <= 4; attempt++) {
    const { targetId } = await pipe.send('Target.createTarget', { url: command.popupUrl })
    const { sessionId } = await pipe.send('Target.attachToTarget', { targetId, flatten: true })
    for (let poll = 0; poll < 20; poll++) {
      await sleep(500)
      const { result } = await pipe.send('Runtime.evaluate', { expression: "document.readyState === 'complete' && !!document.querySelector('#app, body > *') && document.title" }, sessionId)
      if (typeof result?.value === 'string' && result.value !== '') {
        await pipe.send('Target.detachFromTarget', { sessionId })
        return result.value
      }
    }
    await pipe.send('Target.closeTarget', { targetId })
  }
  throw new Error('the popup page did not render')
}

function run(options: BrowserOptions): number {
  const dist = join(ROOT, 'dist', options.browser === 'firefox' ? 'firefox' : 'chrome')
  if (options.build && !options.dryRun) {
    process.stdout.write(`==> building ${dist}\n`)
    const built = spawnSync('npm', ['run', '--silent', options.browser === 'firefox' ? 'build:firefox' : 'build:chrome'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
    if (built.status !== 0) throw new Error('the extension build failed (output above)')
  }
  if (!existsSync(join(dist, 'manifest.json'))) throw new Error(`${dist} is not built: run npm run build`)
  const popup = popupPath(dist)

  const headless = wantsHeadless(options)
  let command: Command
  let chromium: ChromiumCommand | undefined
  let profile: string | undefined
  if (options.browser === 'chromium') {
    const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
    profile = options.dryRun ? join(tmpdir(), 'parley-browser-XXXXXX') : mkdtempSync(join(tmpdir(), 'parley-browser-'))
    command = chromium = chromiumCommand({ executable, dist, profile, popup, asRoot: process.getuid?.() === 0, headless })
    if (!options.dryRun) ensureBrowser('chromium', executable)
  } else {
    const executable = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'
    command = firefoxCommand({ executable, dist, popup, headless }) // web-ext run makes and removes its own profile
    if (!options.dryRun) ensureBrowser('firefox', executable)
  }
  if (options.dryRun) {
    process.stdout.write(`${[command.file, ...command.args].map((a) => (/[\s"'{}]/.test(a) ? `'${a}'` : a)).join(' ')}\n`)
    if (chromium) process.stdout.write(`then, once the extension has loaded, a tab with ${chromium.popupUrl}\n`)
    return 0
  }
  if (headless && !options.headless) process.stdout.write('==> no display (DISPLAY, WAYLAND_DISPLAY): running the browser headless\n')
  process.stdout.write(`==> opening ${options.browser} with Parley loaded (a fresh profile, removed when the browser closes)\n`)
  // Chromium's stderr is chatty (D-Bus, GPU probes): kept aside and shown only if it fails.
  // Its own process group, so the browser's helper processes can be ended with it.
  const env = headless && !chromium ? { ...process.env, MOZ_HEADLESS: '1' } : process.env
  const child = spawn(command.file, command.args, { stdio: chromium ? ['ignore', 'inherit', 'pipe', 'pipe', 'pipe'] : 'inherit', detached: true, env })
  let stderrTail = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderrTail = (stderrTail + chunk).slice(-4000)))
  if (chromium) {
    const target = chromium
    openPopupWhenLoaded(new DevToolsPipe(child.stdio[3] as Writable, child.stdio[4] as Readable), target).then(
      (title) => process.stdout.write(`==> Parley's popup is open in a tab: ${target.popupUrl} ("${title}")\n`),
      (err: Error) => process.stderr.write(`warning: ${err.message}; open ${target.popupUrl} by hand\n`),
    )
  }
  const cleanUp = () => {
    // A helper process of the browser (renderer, crash handler) can outlive its exit by a moment
    // and write into the profile while it is removed: end the group, then remove with retries.
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // the group is gone already
    }
    if (profile) rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
  child.once('exit', (code) => {
    cleanUp()
    if (code) process.stderr.write(`${stderrTail}\nerror: ${command.file} exited with code ${code} (its last output above)\n`)
    process.exit(code ?? 0)
  })
  child.once('error', (err) => {
    cleanUp()
    process.stderr.write(`error: could not start ${command.file}: ${err.message}\n`)
    process.exit(1)
  })
  return -1 // keeps running until the browser exits
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const options = parseBrowserArgs(process.argv.slice(2))
    if (options.help) {
      process.stdout.write(USAGE)
    } else {
      const code = run(options)
      if (code >= 0) process.exit(code)
    }
  } catch (err) {
    const usage = err instanceof UsageError ? `\n\n${USAGE}` : '\n'
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}${usage}`)
    process.exit(err instanceof UsageError ? 2 : 1)
  }
}

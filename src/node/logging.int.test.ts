// The node's console as an operator sees it: JSON when piped, pretty on request or on a
// terminal (a real pseudo-terminal via util-linux `script`), colour never under CI, and
// publish/subscribe lines that name their topics, including a subscribe the client aborts.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { openStream, post } from './testing/http.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ESC = '\u001b['
const LONG_TOPIC = `/xmtp/0/m-${'7'.repeat(64)}/proto`
const OTHER_TOPIC = '/xmtp/0/contact-0xabc/proto'

let node: NodeProcess | undefined
afterEach(async () => {
  await node?.stop()
  node = undefined
})

async function waitFor(read: () => string, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const match = read().match(pattern)
    if (match) return match
    if (Date.now() > deadline) throw new Error(`no ${pattern} in output:\n${read()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const jsonLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)

describe('node logs', () => {
  it('are JSON when piped, with publish and subscribe lines naming their topics', async () => {
    node = await startNode({ auth: false, logLevel: 'debug' })
    const published = await post(`${node.url}/message/v1/publish`, {
      envelopes: [
        { contentTopic: LONG_TOPIC, timestampNs: '1', message: 'AQID' },
        { contentTopic: OTHER_TOPIC, timestampNs: '2', message: 'AQID' },
      ],
    })
    expect(published.status).toBe(200)
    const stream = await openStream(`${node.url}/message/v1/subscribe`, { contentTopics: [LONG_TOPIC] })
    await post(`${node.url}/message/v1/publish`, { envelopes: [{ contentTopic: LONG_TOPIC, timestampNs: '3', message: 'AQID' }] })
    await stream.next(1)
    stream.close() // the client goes away: the node logs the stream's end
    await waitFor(node.output, /request ended by the client/)

    const output = node.output()
    const lines = output.split('\n').filter((line) => line !== '' && !line.startsWith('Parley node '))
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
    const logs = jsonLines(output)
    const publish = logs.find((l) => l.msg === 'request' && l.path === '/message/v1/publish' && l.envelopes === 2)
    expect(publish).toMatchObject({ status: 200, topicCount: 2, stored: 2 })
    expect(publish!.topics).toEqual([expect.stringMatching(/^\/xmtp\/0\/m-7+…7+\/proto$/), OTHER_TOPIC])
    expect(logs.find((l) => l.msg === 'subscription opened')).toMatchObject({ topicCount: 1 })
    const ended = logs.find((l) => l.msg === 'request ended by the client')
    expect(ended).toMatchObject({ path: '/message/v1/subscribe', aborted: true, topicCount: 1, delivered: 1, status: 200 })
    expect(ended!.ms).toEqual(expect.any(Number))
  })

  it('are readable lines without colour with --log-format pretty when piped', async () => {
    node = await startNode({ auth: false, logLevel: 'info', args: ['--log-format', 'pretty'] })
    await waitFor(node.output, /authentication is OFF/)
    const output = node.output()
    expect(output).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: node started \{.*"url":"http:\/\/127\.0\.0\.1:\d+"/m)
    expect(output).toMatch(/WARN: publish authentication is OFF/)
    expect(output).not.toContain(ESC)
    expect(jsonLines(output)).toEqual([])
  })

  // A real terminal: `script` runs the node on a pseudo-terminal and copies what it shows.
  const onTerminal = (env: Record<string, string | undefined>, extra = '') =>
    new Promise<string>((resolve, reject) => {
      const command = `${process.execPath} --import tsx ${CLI} --port 0 --grpc-port 0 --db :memory: --no-auth ${extra}`
      // Its own process group, so a stop reaches `script` and the node under it together.
      const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      const stop = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal)
        } catch {
          // already gone
        }
      }
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk
        if (/authentication is OFF[^\n]*\n/.test(out)) stop('SIGTERM')
      })
      const timer = setTimeout(() => stop('SIGKILL'), 30_000)
      child.once('exit', () => {
        clearTimeout(timer)
        if (!out.includes('node started')) reject(new Error(`no start line on the terminal:\n${out}`))
        else resolve(out)
      })
    })

  it('are pretty and coloured on a terminal, and never coloured under CI', async () => {
    const env = { CI: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined }
    const terminal = await onTerminal(env)
    expect(terminal).toContain(ESC)
    expect(terminal).toMatch(/node started/)
    expect(terminal).not.toMatch(/^\{"level"/m)

    const ci = await onTerminal({ ...env, CI: 'true' })
    expect(ci).not.toContain(ESC)
    expect(ci).toMatch(/INFO: node started/)

    const json = await onTerminal(env, '--log-format json')
    expect(json).toMatch(/^\{"level":30,[^\n]*"msg":"node started"\}\r?$/m)
  })
})

import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, defaultLogFormat, shortTopic, topicFields, useColour, type LogFormat } from './logging.ts'

const ESC = '\u001b['

function capture(format: LogFormat, colour: boolean) {
  let text = ''
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk)
      done()
    },
  })
  const logger = createLogger({ level: 'info', format, colour, destination })
  return { logger, text: () => text }
}

describe('log format', () => {
  it('is pretty on a terminal and JSON when piped', () => {
    expect(defaultLogFormat(true)).toBe('pretty')
    expect(defaultLogFormat(false)).toBe('json')
  })

  it('colours only a terminal without CI or NO_COLOR', () => {
    expect(useColour(true, {})).toBe(true)
    expect(useColour(false, {})).toBe(false)
    expect(useColour(true, { CI: 'true' })).toBe(false)
    expect(useColour(true, { CI: '1' })).toBe(false)
    expect(useColour(true, { CI: 'false' })).toBe(true)
    expect(useColour(true, { NO_COLOR: '1' })).toBe(false)
  })

  it('json writes one parseable object per line', () => {
    const { logger, text } = capture('json', false)
    logger.info({ url: 'http://127.0.0.1:5555', envelopes: 3 }, 'node started')
    const lines = text().trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, service: 'parley-node', msg: 'node started', envelopes: 3 })
  })

  it('pretty writes a readable line, coloured only when asked', () => {
    const plain = capture('pretty', false)
    plain.logger.info({ url: 'http://127.0.0.1:5555', envelopes: 3 }, 'node started')
    expect(plain.text()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: node started \{"url":"http:\/\/127\.0\.0\.1:5555","envelopes":3\}\n$/)
    expect(plain.text()).not.toContain(ESC)
    expect(() => JSON.parse(plain.text())).toThrow()

    const coloured = capture('pretty', true)
    coloured.logger.warn('publish authentication is OFF')
    expect(coloured.text()).toContain(ESC)
  })
})

describe('topic fields', () => {
  it('names the count and the first topics, shortened in the middle', () => {
    const long = `/xmtp/0/m-${'a'.repeat(64)}/proto`
    expect(shortTopic(long)).toHaveLength(48)
    expect(shortTopic(long)).toMatch(/^\/xmtp\/0\/m-a+…a+\/proto$/)
    expect(shortTopic('/xmtp/0/contact-0xab/proto')).toBe('/xmtp/0/contact-0xab/proto')
    expect(topicFields(['/a', '/b', '/a'])).toEqual({ topicCount: 2, topics: ['/a', '/b'] })
    expect(topicFields(['/a', '/b', '/c', '/d', '/e'])).toEqual({ topicCount: 5, topics: ['/a', '/b', '/c', '+2 more'] })
  })
})

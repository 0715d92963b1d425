import { describe, expect, it } from 'vitest'
import { attachmentUrlProblem } from './attachment-url.ts'

describe('attachmentUrlProblem', () => {
  it('allows https links to public hosts and addresses', () => {
    for (const url of ['https://example.com/a.bin', 'https://8.8.8.8/x', 'https://[2606:4700::1111]/x', 'https://[::ffff:8.8.8.8]/x', 'https://cdn.example.org:8443/p?q=1']) {
      expect(attachmentUrlProblem(url), url).toBeUndefined()
    }
  })

  it('refuses anything but https, links with credentials, and garbage', () => {
    expect(attachmentUrlProblem('http://example.com/a')).toMatch(/only downloaded over https.*http\)/)
    expect(attachmentUrlProblem('file:///etc/passwd')).toMatch(/https/)
    expect(attachmentUrlProblem('data:text/plain,hi')).toMatch(/https/)
    expect(attachmentUrlProblem('https://user:pw@example.com/')).toMatch(/user name or password/)
    expect(attachmentUrlProblem('not a url')).toMatch(/not a valid URL/)
  })

  it('refuses localhost, loopback, private, link-local, unique-local and special literals, in every spelling', () => {
    const refused: Array<[string, RegExp]> = [
      ['https://localhost/', /this computer/],
      ['https://LOCALHOST./', /this computer/],
      ['https://api.localhost/', /this computer/],
      ['https://printer.local/', /local network/],
      ['https://127.0.0.1/', /loopback/],
      ['https://127.1/', /loopback/],
      ['https://2130706433/', /loopback/], // decimal
      ['https://0x7f000001/', /loopback/], // hex
      ['https://0x7f.1/', /loopback/],
      ['https://017700000001/', /loopback/], // octal
      ['https://0/', /unspecified/],
      ['https://10.0.0.8/', /private/],
      ['https://172.16.0.1/', /private/],
      ['https://172.31.255.255/', /private/],
      ['https://192.168.1.1/', /private/],
      ['https://100.64.0.1/', /carrier-grade/],
      ['https://169.254.169.254/latest/meta-data', /link-local/],
      ['https://224.0.0.1/', /multicast/],
      ['https://[::1]/', /loopback/],
      ['https://[0:0:0:0:0:0:0:1]/', /loopback/],
      ['https://[::]/', /unspecified/],
      ['https://[::ffff:127.0.0.1]/', /loopback/], // IPv4-mapped
      ['https://[::ffff:7f00:1]/', /loopback/],
      ['https://[::ffff:192.168.0.1]/', /private/],
      ['https://[64:ff9b::10.0.0.1]/', /private/], // NAT64
      ['https://[2002:c0a8:0101::1]/', /private/], // 6to4 of 192.168.1.1
      ['https://[fd12:3456::1]/', /unique-local/],
      ['https://[fc00::1]/', /unique-local/],
      ['https://[fe80::1]/', /link-local/],
      ['https://[ff02::1]/', /multicast/],
    ]
    for (const [url, why] of refused) expect(attachmentUrlProblem(url), url).toMatch(why)
  })

  it('allows public neighbours of the refused ranges', () => {
    for (const url of ['https://172.15.0.1/', 'https://172.32.0.1/', 'https://192.169.0.1/', 'https://100.128.0.1/', 'https://[fe00::1]/', 'https://11.0.0.1/']) {
      expect(attachmentUrlProblem(url), url).toBeUndefined()
    }
  })
})

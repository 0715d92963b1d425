// @vitest-environment happy-dom
// What the popup shows of hostile content (issue 19): a refused remote-attachment link says why
// and offers no download; a message too large to inflate says so; text past the cap is cut.
import { cleanup, screen } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { demoBackground, PEERS } from '../testing/demo-background.ts'
import { renderApp } from '../testing/render.tsx'

afterEach(cleanup)

describe('hostile content in a conversation', () => {
  it('says why a remote attachment link is refused, shows too-large messages as such, and cuts long text', async () => {
    const fake = demoBackground()
    const topic = [...fake.conversations.values()].flat().find((c) => c.peerAddress === PEERS.bob)!.topic
    fake.addMessage(topic, PEERS.bob, { type: 'remoteAttachment', url: 'https://2130706433/admin', filename: 'invoice.pdf', contentLength: 1000 }, Date.now() - 3000)
    fake.addMessage(topic, PEERS.bob, { type: 'remoteAttachment', url: 'https://files.example/ok.bin', filename: 'fine.pdf', contentLength: 1000 }, Date.now() - 2500)
    fake.addMessage(topic, PEERS.bob, { type: 'unknown', contentType: 'xmtp.org/text:1.0', reason: 'tooLarge' }, Date.now() - 2000)
    fake.addMessage(topic, PEERS.bob, { type: 'text', text: 'y'.repeat(50_000) }, Date.now() - 1000)
    renderApp(fake, `#/conversation/${encodeURIComponent(topic)}`)
    expect(await screen.findByText(/Parley will not download this link: the attachment link points at a loopback address \(127\.0\.0\.1\)/)).toBeTruthy()
    expect(screen.queryByRole('button', { name: /Load invoice\.pdf/ })).toBeNull()
    expect(screen.getByRole('button', { name: /Load fine\.pdf/ })).toBeTruthy()
    expect(screen.getByText('This message is too large to show.')).toBeTruthy()
    const long = screen.getByText(/message shortened/).closest('p')!
    expect(long.textContent!.length).toBeLessThan(20_100)
  })
})

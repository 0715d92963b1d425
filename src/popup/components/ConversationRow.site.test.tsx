// @vitest-environment happy-dom
// A site's conversation and the personal one with the same peer must not look alike.
import { cleanup, screen } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { demoBackground, PEERS } from '../testing/demo-background.ts'
import { renderApp } from '../testing/render.tsx'

afterEach(cleanup)

describe('a site’s conversation in the list', () => {
  it('is labelled "via <site>" and its row has its own accessible name', async () => {
    const fake = demoBackground()
    const accountId = fake.activeAccountId ?? ''
    const list = fake.conversations.get(accountId)!
    const personal = list.find((c) => c.peerAddress === PEERS.alice)!
    list.push({ ...personal, topic: '/xmtp/0/m-site-alice/proto', context: { conversationId: 'app.example.org', metadata: {} } })
    list.push({ ...personal, topic: '/xmtp/0/m-site-alice-2/proto', context: { conversationId: 'app.example.org/support', metadata: {} } })
    fake.messages.set('/xmtp/0/m-site-alice/proto', [])
    fake.messages.set('/xmtp/0/m-site-alice-2/proto', [])
    renderApp(fake)
    const viaSite = await screen.findByRole('link', { name: `${PEERS.alice} via app.example.org` })
    expect(viaSite.textContent).toContain('via app.example.org')
    expect(screen.getByRole('link', { name: `${PEERS.alice} via app.example.org/support` })).toBeTruthy()
    const own = screen.getByRole('link', { name: PEERS.alice })
    expect(own.textContent).not.toContain('via')
  })
})

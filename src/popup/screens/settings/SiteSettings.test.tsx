// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import type { BlockedSiteView, SiteScope } from '../../../extension/views.ts'
import { demoBackground } from '../../testing/demo-background.ts'
import { renderApp } from '../../testing/render.tsx'

afterEach(cleanup)

const SITE = 'https://app.uniswap.example'

/** The demo background, with the site methods Settings' site section uses. */
function background() {
  const fake = demoBackground()
  fake.sites = [{ ...fake.sites[0]!, scopes: ['read', 'send', 'sendWithoutConfirm', 'stream'] }]
  let blocked: BlockedSiteView[] = [{ origin: 'https://spam.example', blockedAt: 1 }]
  const handlers = (fake as unknown as { handlers: Record<string, (params: any) => unknown> }).handlers
  handlers.sites_removeScope = ({ origin, scope }: { origin: string; scope: SiteScope }) => {
    fake.sites = fake.sites.map((s) => (s.origin === origin ? { ...s, scopes: s.scopes.filter((x) => x !== scope) } : s)).filter((s) => s.scopes.length > 0)
    return { sites: fake.sites }
  }
  handlers.sites_blocked = () => ({ blocked })
  handlers.sites_unblock = ({ origin }: { origin: string }) => {
    blocked = blocked.filter((b) => b.origin !== origin)
    return { blocked }
  }
  return fake
}

describe('Settings: sites', () => {
  it('shows each ability once, without contradiction, and removes one scope at a time', async () => {
    const fake = background()
    renderApp(fake, '#/settings')
    await screen.findByRole('button', { name: `Remove “send without asking” from ${SITE}` })
    expect(screen.queryByText('send, asking you each time')).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: `Remove “send without asking” from ${SITE}` }))
    // Back to asking each time: now that line shows, the other is gone.
    await screen.findByRole('button', { name: `Remove “send, asking you each time” from ${SITE}` })
    expect(screen.queryByText('send without asking')).toBeNull()
    expect(fake.calls.filter((c) => c.method === 'sites_removeScope').map((c) => c.params)).toEqual([
      { origin: SITE, accountAddress: fake.sites[0]!.accountAddress, scope: 'sendWithoutConfirm' },
    ])
    expect(screen.getByRole('button', { name: `Revoke ${SITE}` })).toBeTruthy()
  })

  it('lists blocked sites with Unblock', async () => {
    const fake = background()
    renderApp(fake, '#/settings')
    fireEvent.click(await screen.findByRole('button', { name: 'Unblock https://spam.example' }))
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Unblock https://spam.example' })).toBeNull())
    expect(fake.calls.some((c) => c.method === 'sites_unblock')).toBe(true)
  })
})

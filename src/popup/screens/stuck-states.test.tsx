// @vitest-environment happy-dom
// Wrong states a person can get stuck in: a session error must never hide the app.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { demoBackground, PEERS } from '../testing/demo-background.ts'
import { FakeBackground } from '../testing/fake-background.ts'
import { renderApp } from '../testing/render.tsx'

afterEach(cleanup)

const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } })
const WRONG = 'http://10.255.255.1:5555'
const sessionError = `Cannot reach the XMTP node at ${WRONG}. Trying again in 5 s.`

/** Onboards with a private key in this page and lets the background report the identity ready. */
async function onboardedPage() {
  const fake = new FakeBackground()
  renderApp(fake)
  fireEvent.click(await screen.findByRole('button', { name: /^import a wallet$/i }))
  type(screen.getByLabelText(/^recovery phrase or private key$/i), `0x${'11'.repeat(32)}`)
  fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
  type(await screen.findByLabelText(/^password$/i), 'a long enough password')
  type(screen.getByLabelText(/^confirm password$/i), 'a long enough password')
  fireEvent.click(screen.getByRole('button', { name: 'Import wallet' }))
  await screen.findByTestId('session-step')
  fake.addConversation(PEERS.alice)
  fake.session = { state: 'ready' }
  fake.emit({ type: 'wallet', status: fake.status() })
  await screen.findByRole('link', { name: PEERS.alice })
  return fake
}

describe('a wrong node URL', () => {
  it('in the page that did the onboarding: the list stays, one banner says what to do, Settings and Lock work', async () => {
    const fake = await onboardedPage()
    // Settings saved an unreachable node: the session fails, the node is down.
    fake.session = { state: 'error', error: sessionError }
    fake.node = { url: WRONG, reachable: false, error: 'connection failed (is the node running at this address?)', checkedAt: 2 }
    fake.emit({ type: 'node', status: fake.node })
    fake.emit({ type: 'wallet', status: fake.status() })

    const banner = await screen.findByTestId('session-error')
    expect(banner.textContent).toContain(sessionError)
    expect(banner.textContent).toContain('Check the node address in Settings')
    expect(screen.queryByText('Could not set up XMTP')).toBeNull()
    expect(screen.queryByTestId('node-offline')).toBeNull() // one banner, not two
    expect(screen.getByRole('link', { name: PEERS.alice })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Lock' })).toBeTruthy()

    fireEvent.click(within(banner).getByRole('link', { name: 'Settings' }))
    window.dispatchEvent(new HashChangeEvent('hashchange'))
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeTruthy()
  })

  it('a first setup that fails (identity screen) still offers Settings and Lock', async () => {
    const fake = new FakeBackground()
    renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: /^import a wallet$/i }))
    type(screen.getByLabelText(/^recovery phrase or private key$/i), `0x${'11'.repeat(32)}`)
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    type(await screen.findByLabelText(/^password$/i), 'a long enough password')
    type(screen.getByLabelText(/^confirm password$/i), 'a long enough password')
    fireEvent.click(screen.getByRole('button', { name: 'Import wallet' }))
    await screen.findByTestId('session-step')
    fake.session = { state: 'error', error: sessionError }
    fake.emit({ type: 'wallet', status: fake.status() })
    expect(await screen.findByText('Could not set up XMTP')).toBeTruthy()
    expect(screen.getByText(/Check the node address in Settings/)).toBeTruthy()
    const settings = screen.getByRole('link', { name: 'Settings' })
    expect(settings.getAttribute('href')).toBe('#/settings')
    window.location.hash = '#/settings'
    window.dispatchEvent(new HashChangeEvent('hashchange'))
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeTruthy()
    window.location.hash = '#/'
    window.dispatchEvent(new HashChangeEvent('hashchange'))
    fireEvent.click(await screen.findByRole('button', { name: 'Lock' }))
    expect(await screen.findByLabelText(/^password$/i)).toBeTruthy()
  })

  it('a page opened while the identity is being created shows the app, not a dead end, when it fails', async () => {
    const fake = demoBackground()
    fake.session = { state: 'creating', step: `Creating or restoring your XMTP identity on ${WRONG}` }
    renderApp(fake)
    await screen.findByTestId('session-step')
    fake.session = { state: 'error', error: sessionError }
    fake.emit({ type: 'wallet', status: fake.status() })
    expect((await screen.findByTestId('session-error')).textContent).toContain(sessionError)
    expect(await screen.findByRole('link', { name: PEERS.alice })).toBeTruthy()
  })

  it('a session error with nothing cached says so instead of "No conversations yet"', async () => {
    const fake = demoBackground()
    fake.conversations.set(fake.activeAccountId as string, [])
    fake.session = { state: 'error', error: sessionError }
    renderApp(fake)
    expect(await screen.findByText('Nothing to show yet')).toBeTruthy()
    expect(screen.queryByText('No conversations yet')).toBeNull()
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(1))
  })
})

describe('node status pushed to open pages', () => {
  it('goes offline and back online from events alone, without reopening', async () => {
    const fake = demoBackground()
    renderApp(fake)
    await screen.findByRole('link', { name: PEERS.alice })
    expect(screen.getByTestId('node-dot').dataset.tone).toBe('ok')
    fake.emit({ type: 'node', status: { url: fake.settings.nodeUrl, reachable: false, error: 'connection failed', checkedAt: 2 } })
    expect(await screen.findByTestId('node-offline')).toBeTruthy()
    expect(screen.getByTestId('node-dot').dataset.tone).toBe('bad')
    fake.emit({ type: 'node', status: { url: fake.settings.nodeUrl, reachable: true, latencyMs: 5, checkedAt: 3 } })
    await waitFor(() => expect(screen.queryByTestId('node-offline')).toBeNull())
    expect(screen.getByTestId('node-dot').dataset.tone).toBe('ok')
  })
})

// @vitest-environment happy-dom
// What axe cannot score but people need: distinct names, landmarks on every screen.
import { cleanup, fireEvent, screen } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { demoBackground, PEERS } from '../testing/demo-background.ts'
import { FakeBackground } from '../testing/fake-background.ts'
import { renderApp } from '../testing/render.tsx'

afterEach(cleanup)

describe('accessible names and landmarks', () => {
  it('two conversations with the same peer have different accessible names', async () => {
    const fake = demoBackground()
    const site = fake.addConversation(PEERS.alice)
    site.context = { conversationId: 'shop.example/order-42', metadata: {} }
    site.topic = '/xmtp/0/m-site-alice/proto'
    const again = fake.addConversation(PEERS.bob)
    again.topic = '/xmtp/0/m-second-bob/proto'
    again.createdAt -= 86_400_000
    renderApp(fake)
    await screen.findByRole('link', { name: PEERS.alice })
    expect(screen.getByRole('link', { name: `${PEERS.alice} via shop.example/order-42` })).toBeTruthy()
    const bobs = screen.getAllByRole('link', { name: new RegExp(`^${PEERS.bob}`) })
    expect(bobs).toHaveLength(2)
    const names = bobs.map((b) => b.textContent)
    expect(new Set(names).size).toBe(2)
    expect(names.every((n) => n?.includes(', started '))).toBe(true)
  })

  it('the account chip and account buttons are named by what they show', async () => {
    renderApp(demoBackground())
    expect(await screen.findByRole('link', { name: 'Accounts: Personal' })).toBeTruthy()
  })

  it('the lock screen and the word check have a main landmark', async () => {
    renderApp(demoBackground({ locked: true }))
    await screen.findByLabelText(/^password$/i)
    expect(screen.getByRole('main')).toBeTruthy()
    cleanup()
    renderApp(new FakeBackground())
    fireEvent.click(await screen.findByRole('button', { name: /^create a new wallet$/i }))
    fireEvent.click(await screen.findByLabelText('I have written down my recovery phrase'))
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    await screen.findAllByLabelText(/^Word #\d+$/)
    expect(screen.getByRole('main')).toBeTruthy()
  })
})

describe('secrets', () => {
  it('the reveal section says "private key" for an imported key', async () => {
    const fake = demoBackground()
    const account = fake.accounts[0]!
    account.kind = 'privateKey'
    renderApp(fake, '#/settings')
    expect(await screen.findByRole('heading', { name: 'Private key' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Reveal private key' })).toBeTruthy()
    expect(screen.queryByText(/recovery phrase/i)).toBeNull()
  })

  it('the phrase / key field is masked until Show', async () => {
    renderApp(new FakeBackground())
    fireEvent.click(await screen.findByRole('button', { name: /^import a wallet$/i }))
    const field = screen.getByLabelText(/^recovery phrase or private key$/i)
    expect(field.getAttribute('type')).toBe('password')
    fireEvent.click(screen.getByRole('button', { name: 'Show' }))
    const shown = screen.getByLabelText(/^recovery phrase or private key$/i)
    expect(shown.tagName).toBe('TEXTAREA')
    expect(screen.getByRole('button', { name: 'Hide' }).getAttribute('aria-pressed')).toBe('true')
  })
})

describe('accounts', () => {
  it('the switcher shows an unread count per account, described to screen readers', async () => {
    const fake = demoBackground()
    const work = fake.accounts[1]!
    const c = fake.addConversation(PEERS.carol, 'allowed', work.id)
    c.unreadCount = 3
    renderApp(fake, '#/accounts')
    const workButton = await screen.findByRole('button', { name: `Switch to Work (${work.address})` })
    await screen.findAllByTestId('account-unread')
    expect(workButton.textContent).toContain('3')
    expect(workButton.getAttribute('aria-describedby')).toBe(`unread-${work.id}`)
    expect(document.getElementById(`unread-${work.id}`)?.textContent).toContain('3 unread')
    const personal = screen.getByRole('button', { name: /^Switch to Personal/ })
    expect(personal.textContent).toContain('2') // Alice's two unread
  })
})

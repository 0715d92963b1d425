// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_PHRASE, FakeBackground } from '../../testing/fake-background.ts'
import { demoBackground } from '../../testing/demo-background.ts'
import { renderApp } from '../../testing/render.tsx'

afterEach(cleanup)

const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } })

describe('onboarding', () => {
  it('create: shows the phrase, asks three of its words back, sets a password, then shows identity progress', async () => {
    const fake = new FakeBackground()
    renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: /^create a new wallet$/i }))
    const grid = await screen.findByTestId('recovery-phrase')
    expect(grid.textContent).toContain('orbit')
    const cont = screen.getByRole('button', { name: 'Continue' })
    expect((cont as HTMLButtonElement).disabled).toBe(true)
    fireEvent.click(screen.getByLabelText('I have written down my recovery phrase'))
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))

    const words = DEMO_PHRASE.split(' ')
    const inputs = await screen.findAllByLabelText(/^Word #\d+$/)
    expect(inputs).toHaveLength(3)
    for (const input of inputs) type(input, 'wrong')
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    expect((await screen.findAllByRole('alert'))[0]!.textContent).toBe('This word does not match.')
    expect(screen.getByText(/^Words #\d+, #\d+ and #\d+ do not match\./)).toBeTruthy()
    for (const input of inputs) {
      const n = Number((input.closest('.field')?.querySelector('label')?.textContent ?? '').replace('Word #', ''))
      type(input, words[n - 1] as string)
    }
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))

    const password = await screen.findByLabelText(/^password$/i)
    type(password, 'short')
    expect(screen.getByTestId('password-strength').textContent).toContain('Too short')
    type(password, 'correct horse battery staple')
    expect(screen.getByTestId('password-strength').textContent).toMatch(/Good|Strong/)
    type(screen.getByLabelText(/^confirm password$/i), 'correct horse battery stapler')
    expect(screen.getByText('The passwords do not match.')).toBeTruthy()
    expect((screen.getByRole('button', { name: 'Create wallet' }) as HTMLButtonElement).disabled).toBe(true)
    type(screen.getByLabelText(/^confirm password$/i), 'correct horse battery staple')
    fireEvent.click(screen.getByRole('button', { name: 'Create wallet' }))

    expect((await screen.findByTestId('session-step')).textContent).toBe('Publishing your contact bundle')
    expect(fake.calls.find((c) => c.method === 'wallet_create')?.params).toEqual({ password: 'correct horse battery staple', phrase: DEMO_PHRASE })
    // The background reports the identity ready: the messenger opens.
    fake.session = { state: 'ready' }
    fake.emit({ type: 'wallet', status: fake.status() })
    expect(await screen.findByText('No conversations yet')).toBeTruthy()
  })

  it('import: a private key goes to wallet_import; an identity error offers a retry', async () => {
    const fake = new FakeBackground()
    renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: /^import a wallet$/i }))
    const secret = screen.getByLabelText(/^recovery phrase or private key$/i)
    type(secret, 'not a phrase')
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    expect((await screen.findByRole('alert')).textContent).toContain('12, 15, 18, 21 or 24 words')
    type(secret, `0x${'11'.repeat(32)}`)
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    type(await screen.findByLabelText(/^password$/i), 'a long enough password')
    type(screen.getByLabelText(/^confirm password$/i), 'a long enough password')
    fireEvent.click(screen.getByRole('button', { name: 'Import wallet' }))
    await screen.findByTestId('session-step')
    expect(fake.calls.find((c) => c.method === 'wallet_import')?.params).toEqual({ password: 'a long enough password', secret: `0x${'11'.repeat(32)}` })

    fake.session = { state: 'error', error: 'The node at 127.0.0.1:5555 did not answer.' }
    fake.emit({ type: 'wallet', status: fake.status() })
    expect((await screen.findByTestId('session-step')).textContent).toBe('The node at 127.0.0.1:5555 did not answer.')
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'session_retry')).toBe(true))
    expect((await screen.findByTestId('session-step')).textContent).toBe('Signing your identity key')
  })
})

describe('unlock', () => {
  it('a wrong password says so; the right one opens the list', async () => {
    const fake = demoBackground({ locked: true, password: 'open sesame 42' })
    renderApp(fake)
    const field = await screen.findByLabelText(/^password$/i)
    type(field, 'nope nope')
    fireEvent.click(screen.getByRole('button', { name: /^unlock$/i }))
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong password.')
    expect(field.getAttribute('aria-invalid')).toBe('true')
    type(field, 'open sesame 42')
    fireEvent.click(screen.getByRole('button', { name: /^unlock$/i }))
    expect(await screen.findByRole('link', { name: '0x8ba1f109551bD432803012645Ac136ddd64DBA72' })).toBeTruthy()
  })
})

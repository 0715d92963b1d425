// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { demoBackground, PEERS } from '../testing/demo-background.ts'
import { DEMO_PHRASE } from '../testing/fake-background.ts'
import { renderApp } from '../testing/render.tsx'

afterEach(cleanup)

const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } })

describe('forgot password', () => {
  it('the lock screen offers a restore that warns first, then replaces the wallet', async () => {
    const fake = demoBackground({ locked: true, password: 'forgotten password' })
    renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: 'Forgot password? Restore from your recovery phrase or key' }))
    expect(await screen.findByRole('heading', { name: 'Restore your wallet' })).toBeTruthy()
    expect(screen.getByRole('note').textContent).toContain('This replaces the wallet in this browser. Its 2 accounts and their cached messages are removed here')
    expect(screen.getByRole('main')).toBeTruthy()

    type(screen.getByLabelText(/^recovery phrase or private key$/i), DEMO_PHRASE)
    type(screen.getByLabelText('New password'), 'a brand new password')
    type(screen.getByLabelText('Confirm new password'), 'a brand new password')
    const replace = screen.getByRole('button', { name: 'Replace and restore' }) as HTMLButtonElement
    expect(replace.disabled).toBe(true) // not before the warning is acknowledged
    fireEvent.click(screen.getByLabelText('I understand the wallet in this browser is replaced.'))
    expect(replace.disabled).toBe(false)
    fireEvent.click(replace)
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'wallet_restore')?.params).toEqual({ password: 'a brand new password', secret: DEMO_PHRASE }))
    expect(fake.calls.some((c) => c.method === 'wallet_unlock')).toBe(false)
  })

  it('Cancel goes back to the lock screen and changes nothing', async () => {
    const fake = demoBackground({ locked: true })
    renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: /^Forgot password\?/ }))
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }))
    expect(await screen.findByRole('heading', { name: 'Welcome back' })).toBeTruthy()
    expect(fake.calls.some((c) => c.method === 'wallet_restore')).toBe(false)
    expect(PEERS.alice).toBeTruthy()
  })
})

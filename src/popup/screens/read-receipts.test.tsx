// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { demoBackground } from '../testing/demo-background.ts'
import { renderApp } from '../testing/render.tsx'

afterEach(cleanup)

describe('read receipts setting', () => {
  it('is on by default and switches off through settings_update', async () => {
    const fake = demoBackground()
    renderApp(fake, '#/settings')
    const toggle = (await screen.findByRole('switch', { name: /Send read receipts/ })) as HTMLInputElement
    expect(toggle.checked).toBe(true)
    expect(toggle.closest('label')?.textContent).toContain('Never sent for requests')
    fireEvent.click(toggle)
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'settings_update')?.params).toEqual({ readReceipts: false }))
  })
})

describe('notifications for all accounts setting', () => {
  it('is on by default, switches off through settings_update, and is disabled with notifications off', async () => {
    const fake = demoBackground()
    renderApp(fake, '#/settings')
    const toggle = (await screen.findByRole('switch', { name: 'Notifications for all accounts, not only the one in use' })) as HTMLInputElement
    expect(toggle.checked).toBe(true)
    fireEvent.click(toggle)
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'settings_update')?.params).toEqual({ notifyAllAccounts: false }))
    fireEvent.click(screen.getByRole('switch', { name: 'Notifications for new messages' }))
    await waitFor(() => expect(((screen.getByRole('switch', { name: /Notifications for all accounts/ })) as HTMLInputElement).disabled).toBe(true))
  })
})

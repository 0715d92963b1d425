// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { demoBackground } from '../testing/demo-background.ts'
import { renderApp } from '../testing/render.tsx'

afterEach(cleanup)

const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } })
const PEER = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'

describe('new conversation field', () => {
  it('is a wrapping two-line field, so the whole address shows', async () => {
    renderApp(demoBackground(), '#/new')
    const field = await screen.findByLabelText(/^address$/i)
    expect(field.tagName).toBe('TEXTAREA')
    expect(field.getAttribute('rows')).toBe('2')
  })

  it('a pasted address with spaces and line breaks, in lowercase, starts the conversation (checksummed)', async () => {
    const fake = demoBackground()
    renderApp(fake, '#/new')
    const field = await screen.findByLabelText(/^address$/i)
    const lower = PEER.toLowerCase()
    type(field, `  ${lower.slice(0, 20)} \n${lower.slice(20)}  `)
    fireEvent.keyDown(field, { key: 'Enter' })
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'conversations_new')?.params).toEqual({ peerAddress: PEER }))
  })

  it('your own address is refused in the page, in words', async () => {
    const fake = demoBackground()
    renderApp(fake, '#/new')
    const field = await screen.findByLabelText(/^address$/i)
    type(field, '0x5b38da6a701c568545dcfcb03fcb875f56beddc4')
    fireEvent.click(screen.getByRole('button', { name: 'Start conversation' }))
    expect((await screen.findByRole('alert')).textContent).toBe('That is your own address. Enter the address of the person you want to message.')
    expect(fake.calls.some((c) => c.method === 'peers_canMessage')).toBe(false)
  })
})

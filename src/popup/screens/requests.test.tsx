// @vitest-environment happy-dom
// A request stays a request until the person accepts; blocking asks first and can be undone.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { demoBackground, PEERS } from '../testing/demo-background.ts'
import { renderApp } from '../testing/render.tsx'

afterEach(cleanup)

const topicOf = (fake: ReturnType<typeof demoBackground>, peer: string) => [...fake.conversations.values()].flat().find((c) => c.peerAddress === peer)?.topic as string
const go = (hash: string) => {
  window.location.hash = hash
  window.dispatchEvent(new HashChangeEvent('hashchange'))
}
const sent = (fake: ReturnType<typeof demoBackground>) => fake.calls.filter((c) => c.method === 'messages_send' || c.method === 'consent_set').map((c) => c.method)

describe('a request', () => {
  it('reacting asks first: Cancel sends nothing, "Accept and react" accepts, then reacts', async () => {
    const fake = demoBackground()
    renderApp(fake, `#/conversation/${encodeURIComponent(topicOf(fake, PEERS.dave))}`)
    const bubble = (await screen.findByText(/Open to collaborate/)).closest('li') as HTMLElement
    fireEvent.click(within(bubble).getByRole('button', { name: 'React' }))
    fireEvent.click(within(bubble).getByRole('button', { name: 'React with 👍' }))
    const ask = await screen.findByRole('alertdialog', { name: 'Accept this request to react?' })
    expect(ask.textContent).toContain('will see your reaction')
    expect(document.activeElement).toBe(within(ask).getByRole('button', { name: 'Cancel' })) // the question takes the focus
    fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }))
    expect(sent(fake)).toEqual([])
    expect(screen.getByRole('region', { name: 'Message request' })).toBeTruthy()

    fireEvent.click(within(bubble).getByRole('button', { name: 'React' }))
    fireEvent.click(within(bubble).getByRole('button', { name: 'React with 👍' }))
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Accept and react' }))
    await waitFor(() => expect(sent(fake)).toEqual(['consent_set', 'messages_send']))
    expect(fake.calls.find((c) => c.method === 'consent_set')?.params).toEqual({ peerAddress: PEERS.dave, state: 'allowed' })
    expect((fake.calls.find((c) => c.method === 'messages_send')?.params as { content: { type: string } }).content.type).toBe('reaction')
  })

  it('replying asks first; accepted, the composer opens with the quote', async () => {
    const fake = demoBackground()
    renderApp(fake, `#/conversation/${encodeURIComponent(topicOf(fake, PEERS.dave))}`)
    const bubble = (await screen.findByText(/Open to collaborate/)).closest('li') as HTMLElement
    fireEvent.click(within(bubble).getByRole('button', { name: 'Reply' }))
    const ask = await screen.findByRole('alertdialog', { name: 'Accept this request to reply?' })
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull()
    fireEvent.click(within(ask).getByRole('button', { name: 'Accept and reply' }))
    expect(await screen.findByRole('textbox', { name: 'Message' })).toBeTruthy()
    expect(sent(fake)).toEqual(['consent_set'])
  })

  it('Block asks for confirmation; the blocked address is listed in Settings and can be unblocked', async () => {
    const fake = demoBackground()
    renderApp(fake, `#/conversation/${encodeURIComponent(topicOf(fake, PEERS.dave))}`)
    fireEvent.click(await screen.findByRole('button', { name: 'Block' }))
    const confirm = await screen.findByRole('alertdialog', { name: /^Block 0xD122/ })
    expect(confirm.textContent).toContain('unblock them later in Settings')
    fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }))
    expect(sent(fake)).toEqual([])
    fireEvent.click(screen.getByRole('button', { name: 'Block' }))
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Block' }))
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'consent_set')?.params).toEqual({ peerAddress: PEERS.dave, state: 'denied' }))

    go('#/settings')
    const list = await screen.findByRole('list', { name: 'Blocked addresses' })
    expect(list.textContent).toContain(PEERS.dave)
    fireEvent.click(within(list).getByRole('button', { name: `Unblock ${PEERS.dave}` }))
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'consent_set').at(-1)?.params).toEqual({ peerAddress: PEERS.dave, state: 'allowed' }))
    expect(await screen.findByText('You have not blocked anyone.', { exact: false })).toBeTruthy()
    go('#/')
    expect(await screen.findByRole('link', { name: PEERS.dave })).toBeTruthy() // back in Messages
  })
})

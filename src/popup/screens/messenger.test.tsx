// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { demoBackground, PEERS } from '../testing/demo-background.ts'
import { renderApp } from '../testing/render.tsx'

afterEach(cleanup)

const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } })
const topicOf = (fake: ReturnType<typeof demoBackground>, peer: string) => [...fake.conversations.values()].flat().find((c) => c.peerAddress === peer)?.topic as string

describe('conversations list', () => {
  it('rows are links named by the peer address, with preview, unread badge and the requests tab apart', async () => {
    const fake = demoBackground()
    renderApp(fake)
    const alice = await screen.findByRole('link', { name: PEERS.alice })
    expect(alice.getAttribute('href')).toBe(`#/conversation/${encodeURIComponent(topicOf(fake, PEERS.alice))}`)
    expect(within(alice.closest('li') as HTMLElement).getByTestId('unread-badge').textContent).toBe('2')
    expect(screen.getByRole('link', { name: PEERS.bob }).closest('li')?.textContent).toContain('Thanks, paid.')
    expect(screen.queryByRole('link', { name: PEERS.dave })).toBeNull() // a request, not in Messages
    expect(screen.getByRole('button', { name: `Copy address ${PEERS.alice}` })).toBeTruthy()

    window.location.hash = '#/requests'
    fireEvent(window, new HashChangeEvent('hashchange'))
    expect(await screen.findByRole('link', { name: PEERS.dave })).toBeTruthy()
    expect(screen.queryByRole('link', { name: PEERS.alice })).toBeNull()
  })

  it('search asks messages_search and lists the hits', async () => {
    const fake = demoBackground()
    renderApp(fake)
    await screen.findByRole('link', { name: PEERS.alice })
    type(screen.getByRole('searchbox', { name: 'Search' }), 'meetup')
    expect(await screen.findByRole('link', { name: PEERS.carol })).toBeTruthy()
    expect(screen.queryByRole('link', { name: PEERS.alice })).toBeNull()
    expect(fake.calls.find((c) => c.method === 'messages_search')?.params).toEqual({ query: 'meetup', limit: 50 })
  })

  it('shows sync progress while the background syncs', async () => {
    const fake = demoBackground()
    renderApp(fake)
    await screen.findByRole('link', { name: PEERS.alice })
    fake.emit({ type: 'sync', status: { state: 'syncing', streaming: false, progress: { done: 3, total: 10, what: 'Opening invitations' } } })
    expect((await screen.findByTestId('sync-progress')).textContent).toBe('Opening invitations · 3 of 10')
    expect(screen.getByRole('progressbar', { name: 'Syncing' }).getAttribute('aria-valuenow')).toBe('30')
    fake.emit({ type: 'sync', status: { state: 'idle', streaming: true } })
    await waitFor(() => expect(screen.queryByTestId('sync-progress')).toBeNull())
  })

  it('an empty account says what to do', async () => {
    const fake = demoBackground()
    fake.conversations.set(fake.activeAccountId as string, [])
    renderApp(fake)
    expect(await screen.findByText('No conversations yet')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Start a conversation' })).toBeTruthy()
  })

  it('says the node is down even though the worker answers', async () => {
    const fake = demoBackground()
    fake.node = { url: 'http://127.0.0.1:5555', reachable: false, error: 'connection refused', checkedAt: 1 }
    renderApp(fake)
    expect((await screen.findByTestId('node-offline')).textContent).toContain('Node offline. Connection refused.')
    expect(screen.getByTestId('node-status-text').textContent).toContain('unreachable')
    fake.node = { url: 'http://127.0.0.1:5555', reachable: true, latencyMs: 3, checkedAt: 2 }
    fake.emit({ type: 'node', status: fake.node })
    await waitFor(() => expect(screen.queryByTestId('node-offline')).toBeNull())
  })
})

describe('a conversation', () => {
  it('Enter sends, Shift+Enter does not; the new message shows pending, then sent from the event', async () => {
    const fake = demoBackground()
    const topic = topicOf(fake, PEERS.bob)
    renderApp(fake, `#/conversation/${encodeURIComponent(topic)}`)
    const box = await screen.findByRole('textbox', { name: 'Message' })
    type(box, 'line one')
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true })
    expect(fake.calls.some((c) => c.method === 'messages_send')).toBe(false)
    fireEvent.keyDown(box, { key: 'Enter' })
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'messages_send')?.params).toEqual({ topic, content: { type: 'text', text: 'line one' } }))
    const bubble = await screen.findByText('line one')
    const row = bubble.closest('[data-delivery]') as HTMLElement
    expect(row.dataset.delivery).toBe('pending')
    const sent = fake.messages.get(topic)?.at(-1)
    if (!sent) throw new Error('not stored')
    fake.emit({ type: 'messages', topic, messages: [{ ...sent, delivery: 'sent' }] })
    await waitFor(() => expect((screen.getByText('line one').closest('[data-delivery]') as HTMLElement).dataset.delivery).toBe('sent'))
    expect(fake.viewing).toBe(topic)
  })

  it('shows reactions, toggles mine off, replies quoting, retries a failed message, marks read', async () => {
    const fake = demoBackground()
    const topic = topicOf(fake, PEERS.alice)
    renderApp(fake, `#/conversation/${encodeURIComponent(topic)}`)
    const heart = await screen.findByRole('button', { name: '❤️ 2, yours: remove' })
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'conversations_markRead')).toBe(true))
    fireEvent.click(heart)
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'messages_send')?.params).toMatchObject({ topic, content: { type: 'reaction', action: 'removed', content: '❤️' } }))

    expect(screen.getByRole('img', { name: 'sunset.png' })).toBeTruthy()
    const quote = screen.getByText('Same here. Want to grab a coffee after the call?').closest('.bubble')
    expect(quote?.querySelector('.quote-text')?.textContent).toBe('Great. I will vote for it tonight.')

    const perfect = screen.getByText('Perfect, see you there!').closest('.bubble-row') as HTMLElement
    fireEvent.click(within(perfect).getByRole('button', { name: 'Reply' }))
    expect(screen.getByText('Replying to 0x8ba1…BA72')).toBeTruthy()
    const box = screen.getByRole('textbox', { name: 'Message' })
    type(box, 'on my way')
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'messages_send').at(-1)?.params).toMatchObject({ content: { type: 'reply', reference: perfect.dataset.messageId, text: 'on my way' } }))

    fireEvent.click(within(perfect).getByRole('button', { name: 'React' }))
    fireEvent.click(screen.getByRole('button', { name: 'React with 👍' }))
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'messages_send').at(-1)?.params).toMatchObject({ content: { type: 'reaction', action: 'added', content: '👍', reference: perfect.dataset.messageId } }))

    expect(screen.getByText('The node did not answer. Check your connection.')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'messages_retry')).toBe(true))
    await waitFor(() => expect((screen.getByText('I will bring the slides.').closest('[data-delivery]') as HTMLElement).dataset.delivery).toBe('pending'))
  })

  it('a picked file is previewed first (right size, caption, Send); sent as an inline attachment, then the caption', async () => {
    const fake = demoBackground()
    const topic = topicOf(fake, PEERS.bob)
    renderApp(fake, `#/conversation/${encodeURIComponent(topic)}`)
    await screen.findByRole('textbox', { name: 'Message' })
    const input = document.querySelector('input[type="file"]') as HTMLInputElement
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6, 7])
    Object.defineProperty(input, 'files', { value: [new File([png], 'dot.png', { type: 'image/png' })], configurable: true })
    fireEvent.change(input)
    const draft = await screen.findByRole('group', { name: 'Attachment to send: dot.png' })
    expect(within(draft).getByRole('img', { name: 'Preview of dot.png' })).toBeTruthy()
    expect(within(draft).getByTestId('draft-size').textContent).toBe('11 B') // was "12 B"
    expect(fake.calls.some((c) => c.method === 'messages_send')).toBe(false) // not sent at once
    fireEvent.input(within(draft).getByRole('textbox', { name: 'Caption' }), { target: { value: 'the logo' } })
    fireEvent.click(within(draft).getByRole('button', { name: 'Send' }))
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'messages_send').map((c) => c.params)).toEqual([
      { topic, content: { type: 'attachment', filename: 'dot.png', mimeType: 'image/png', dataBase64: btoa(String.fromCharCode(...png)) } },
      { topic, content: { type: 'text', text: 'the logo' } },
    ]))
    expect(await screen.findByRole('img', { name: 'dot.png' })).toBeTruthy()
    expect(screen.queryByRole('group', { name: /Attachment to send/ })).toBeNull()
  })

  it('Cancel drops a picked file without sending it', async () => {
    const fake = demoBackground()
    renderApp(fake, `#/conversation/${encodeURIComponent(topicOf(fake, PEERS.bob))}`)
    await screen.findByRole('textbox', { name: 'Message' })
    const input = document.querySelector('input[type="file"]') as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File(['hello world'], 'notes.txt', { type: 'text/plain' })], configurable: true })
    fireEvent.change(input)
    const draft = await screen.findByRole('group', { name: 'Attachment to send: notes.txt' })
    expect(within(draft).getByTestId('draft-size').textContent).toBe('11 B')
    fireEvent.click(within(draft).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('group', { name: /Attachment to send/ })).toBeNull())
    expect(fake.calls.some((c) => c.method === 'messages_send')).toBe(false)
  })

  it('mutes and unmutes a conversation from its header', async () => {
    const fake = demoBackground()
    const topic = topicOf(fake, PEERS.dave)
    renderApp(fake, `#/conversation/${encodeURIComponent(topic)}`)
    fireEvent.click(await screen.findByRole('button', { name: 'Mute notifications' }))
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'conversations_setMuted')?.params).toEqual({ topic, muted: true }))
    const unmute = await screen.findByRole('button', { name: 'Unmute notifications' })
    expect(unmute.getAttribute('aria-pressed')).toBe('true')
    fireEvent.click(unmute)
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'conversations_setMuted').at(-1)?.params).toEqual({ topic, muted: false }))
    expect(await screen.findByRole('button', { name: 'Mute notifications' })).toBeTruthy()
  })

  it('a request is accepted before answering', async () => {
    const fake = demoBackground()
    const topic = topicOf(fake, PEERS.dave)
    renderApp(fake, `#/conversation/${encodeURIComponent(topic)}`)
    fireEvent.click(await screen.findByRole('button', { name: 'Accept' }))
    await waitFor(() => expect(fake.calls.find((c) => c.method === 'consent_set')?.params).toEqual({ peerAddress: PEERS.dave, state: 'allowed' }))
    expect(await screen.findByRole('textbox', { name: 'Message' })).toBeTruthy()
  })
})

describe('new conversation', () => {
  it('catches a checksum typo in the page, a peer not on XMTP on the network, and opens a good one', async () => {
    const notOnXmtp = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
    const fake = demoBackground({ notOnNetwork: [notOnXmtp] })
    renderApp(fake, '#/new')
    const field = await screen.findByLabelText(/^address$/i)
    type(field, '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')
    fireEvent.click(screen.getByRole('button', { name: 'Start conversation' }))
    expect((await screen.findByRole('alert')).textContent).toContain('checksum')
    expect(fake.calls.some((c) => c.method === 'peers_canMessage')).toBe(false)

    type(field, notOnXmtp.toLowerCase())
    fireEvent.click(screen.getByRole('button', { name: 'Start conversation' }))
    expect((await screen.findByRole('alert')).textContent).toContain('not on the XMTP network')
    expect(fake.calls.find((c) => c.method === 'peers_canMessage')?.params).toEqual({ peerAddress: notOnXmtp })
    expect(fake.calls.some((c) => c.method === 'conversations_new')).toBe(false)

    const fresh = '0x1111111111111111111111111111111111111111'
    type(field, fresh)
    fireEvent.click(screen.getByRole('button', { name: 'Start conversation' }))
    await waitFor(() => expect(window.location.hash.startsWith('#/conversation/')).toBe(true))
    expect(await screen.findByRole('textbox', { name: 'Message' })).toBeTruthy()
  })
})

describe('settings and accounts', () => {
  it('asks the browser for a non-default node host before saving it; revokes a site; reveals behind the password', async () => {
    const fake = demoBackground()
    const asked: string[] = []
    fake.requestHostPermission = async (origin) => {
      asked.push(origin)
      return true
    }
    renderApp(fake, '#/settings')
    expect((await screen.findByTestId('worker-status')).textContent).toBe('Background running · v0.1.0')
    await waitFor(() => expect(screen.getByTestId('node-status').textContent).toContain('online'))
    const url = await screen.findByLabelText('Node URL')
    type(url, 'https://node.example.org')
    fireEvent.click(screen.getByRole('button', { name: 'Save node' }))
    await waitFor(() => expect(fake.settings.nodeUrl).toBe('https://node.example.org'))
    expect(asked).toEqual(['https://node.example.org'])
    const order = fake.calls.map((c) => c.method)
    expect(order.lastIndexOf('settings_update')).toBeGreaterThan(-1)

    fireEvent.click(await screen.findByRole('button', { name: 'Revoke https://app.uniswap.example' }))
    expect(await screen.findByText(/No site is connected/)).toBeTruthy()

    type(screen.getAllByLabelText(/^password$/i)[0] as HTMLElement, 'bad')
    fireEvent.click(screen.getByRole('button', { name: 'Reveal recovery phrase' }))
    expect((await screen.findByRole('alert')).textContent).toContain('Wrong password')
    type(screen.getAllByLabelText(/^password$/i)[0] as HTMLElement, fake.password)
    fireEvent.click(screen.getByRole('button', { name: 'Reveal recovery phrase' }))
    expect((await screen.findByTestId('revealed-secret')).textContent).toContain('orbit lunar')
  })

  it('refuses a node host the person did not grant', async () => {
    const fake = demoBackground()
    fake.requestHostPermission = async () => false
    renderApp(fake, '#/settings')
    type(await screen.findByLabelText('Node URL'), 'https://node.example.org')
    fireEvent.click(screen.getByRole('button', { name: 'Save node' }))
    expect((await screen.findByRole('alert')).textContent).toContain('needs your permission')
    expect(fake.calls.some((c) => c.method === 'settings_update')).toBe(false)
  })

  it('switches account (its own conversations) and renames', async () => {
    const fake = demoBackground()
    renderApp(fake, '#/accounts')
    fireEvent.click(await screen.findByRole('button', { name: `Rename Work` }))
    type(screen.getByLabelText('New name for Work'), 'Office')
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    const office = await screen.findByRole('button', { name: /^Switch to Office/ })
    fireEvent.click(office)
    expect(await screen.findByText('No conversations yet')).toBeTruthy()
    expect(fake.activeAccountId).toBe(fake.accounts[1]?.id)
  })

  it('imports another key behind the password: a bad secret is caught before any call, a wrong password keeps the form', async () => {
    const fake = demoBackground()
    renderApp(fake, '#/accounts')
    fireEvent.click(await screen.findByRole('button', { name: 'Import account' }))
    const form = screen.getByRole('form', { name: 'Import an account' })
    type(within(form).getByLabelText('Recovery phrase or private key'), 'not a phrase')
    type(within(form).getByLabelText('Wallet password'), fake.password)
    fireEvent.click(within(form).getByRole('button', { name: 'Import account' }))
    expect((await within(form).findByRole('alert')).textContent).toContain('this one has 3')
    expect(fake.calls.some((c) => c.method === 'accounts_import')).toBe(false)

    const key = `0x${'4c'.repeat(32)}`
    type(within(form).getByLabelText('Recovery phrase or private key'), key)
    type(within(form).getByLabelText('Account name'), 'Ledger copy')
    type(within(form).getByLabelText('Wallet password'), 'not the password')
    fireEvent.click(within(form).getByRole('button', { name: 'Import account' }))
    expect((await within(form).findByRole('alert')).textContent).toContain('That password is not right.')
    expect(fake.accounts).toHaveLength(2)

    type(within(form).getByLabelText('Wallet password'), fake.password)
    fireEvent.click(within(form).getByRole('button', { name: 'Import account' }))
    expect(await screen.findByRole('button', { name: /^Switch to Ledger copy/ })).toBeTruthy()
    expect(screen.queryByRole('form', { name: 'Import an account' })).toBeNull()
    const call = fake.calls.filter((c) => c.method === 'accounts_import').at(-1)
    expect(call?.params).toEqual({ secret: key, label: 'Ledger copy', password: fake.password })
  })

  it('removes an account behind the password, and never the last one', async () => {
    const fake = demoBackground()
    renderApp(fake, '#/accounts')
    fireEvent.click(await screen.findByRole('button', { name: 'Remove Work' }))
    const form = screen.getByRole('form', { name: 'Remove Work' })
    type(within(form).getByLabelText('Wallet password'), 'wrong')
    fireEvent.click(within(form).getByRole('button', { name: 'Remove Work' }))
    expect((await within(form).findByRole('alert')).textContent).toContain('That password is not right.')
    expect(fake.accounts.map((a) => a.label)).toEqual(['Personal', 'Work'])

    type(within(form).getByLabelText('Wallet password'), fake.password)
    fireEvent.click(within(form).getByRole('button', { name: 'Remove Work' }))
    await waitFor(() => expect(screen.queryByRole('button', { name: /^Switch to Work/ })).toBeNull())
    expect(fake.accounts.map((a) => a.label)).toEqual(['Personal'])
    // One account left: nothing offers to remove it.
    expect(screen.queryByRole('button', { name: 'Remove Personal' })).toBeNull()
  })

  it('Lock locks', async () => {
    const fake = demoBackground()
    renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: /^lock$/i }))
    expect(await screen.findByRole('button', { name: /^unlock$/i })).toBeTruthy()
  })
})

// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import type { RuntimeRpcMessage } from '../extension/messages.ts'
import { createRpcClient } from '../extension/rpc-client.ts'
import type { ApprovalView, WalletStatus } from '../extension/views.ts'
import { ApprovalPage } from './ApprovalPage.tsx'

afterEach(cleanup)

const ADDRESS = '0x1111111111111111111111111111111111111111'
const VIEW: ApprovalView = { id: 'req-1', origin: 'http://127.0.0.1:4001', accountAddress: null, kind: 'connect', scopes: ['read', 'send'], createdAt: 1 }
const STATUS: WalletStatus = {
  initialized: true,
  locked: false,
  accounts: [{ id: 'a1', label: 'Account 1', address: ADDRESS, kind: 'phrase', index: 0 }],
  activeAccountId: 'a1',
  session: { state: 'ready' },
  autoLockAt: null,
}

/**
 * A background whose worker "stops" under chosen calls: those sends fail the way
 * runtime.sendMessage does when the worker goes away mid-call; the next send reaches a new one.
 */
function stoppingBackground(dropOnce: string[]) {
  const drop = new Set(dropOnce)
  const calls: string[] = []
  let pending = true
  const send = async (message: RuntimeRpcMessage) => {
    const { method, params } = message.request as { method: string; params?: any }
    calls.push(method)
    if (drop.delete(method)) throw new Error('The message port closed before a response was received.')
    if (method === 'approvals_get') return { ok: true, result: pending ? VIEW : null }
    if (method === 'wallet_status') return { ok: true, result: STATUS }
    if (method === 'approvals_resolve') {
      if (!pending) return { ok: false, error: { code: -32602, message: 'no pending request has that id' } }
      pending = false
      return { ok: true, result: null }
    }
    return { ok: false, error: { code: -32601, message: `unknown ${method}` } }
  }
  return { client: createRpcClient(send), calls, isPending: () => pending }
}

describe('approval window', () => {
  it('still offers Approve when the worker stops while the wallet status loads', async () => {
    const bg = stoppingBackground(['wallet_status'])
    render(<ApprovalPage client={bg.client} id="req-1" close={() => {}} />)
    expect(await screen.findByTestId('approval-origin')).toBeTruthy()
    await waitFor(() => expect(screen.getByTestId('approval-account').textContent).toBe(ADDRESS))
    expect(bg.calls.filter((m) => m === 'wallet_status')).toHaveLength(2)
    expect(screen.queryByTestId('approval-gone')).toBeNull()
    expect((screen.getByRole('button', { name: 'Approve' }) as HTMLButtonElement).disabled).toBe(false)
  })

  it('an answer lost to a worker stop is sent again, then the window closes', async () => {
    const bg = stoppingBackground(['approvals_resolve'])
    let closed = 0
    render(<ApprovalPage client={bg.client} id="req-1" close={() => closed++} />)
    await waitFor(() => expect(screen.getByTestId('approval-account').textContent).toBe(ADDRESS))
    fireEvent.click(screen.getByRole('button', { name: 'Approve' }))
    await waitFor(() => expect(closed).toBe(1))
    expect(bg.calls.filter((m) => m === 'approvals_resolve')).toHaveLength(2)
    expect(bg.isPending()).toBe(false)
  })

  it('says so when the request was already answered', async () => {
    const bg = stoppingBackground([])
    await bg.client.call('approvals_resolve', { id: 'req-1', decision: 'reject' })
    render(<ApprovalPage client={bg.client} id="req-1" close={() => {}} />)
    expect((await screen.findByTestId('approval-gone')).textContent).toBe('This request was already answered.')
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull()
  })

  it("a send shows which conversation (the site's, with its id) and the whole message, uncut", async () => {
    const text = 'w'.repeat(1999) + '!'
    const view: ApprovalView = {
      id: 'req-2', origin: 'http://127.0.0.1:4001', accountAddress: ADDRESS, kind: 'send', createdAt: 1,
      send: { peerAddress: '0x2222222222222222222222222222222222222222', conversationId: '127.0.0.1:4001', sitesOwn: true, text },
    }
    const answered: unknown[] = []
    const client = createRpcClient(async (message: RuntimeRpcMessage) => {
      const { method, params } = message.request as { method: string; params?: any }
      if (method === 'approvals_get') return { ok: true, result: view }
      if (method === 'wallet_status') return { ok: true, result: STATUS }
      answered.push(params)
      return { ok: true, result: { ok: true } }
    })
    render(<ApprovalPage client={client} id="req-2" close={() => {}} />)
    expect((await screen.findByTestId('approval-preview')).textContent).toBe(text)
    expect(screen.getByTestId('approval-conversation').textContent).toBe('This site’s conversation “127.0.0.1:4001”')
    expect(screen.getByRole('region', { name: 'Message' }).getAttribute('tabindex')).toBe('0')
    fireEvent.click(screen.getByRole('button', { name: 'Block this site' }))
    await waitFor(() => expect(answered).toEqual([{ id: 'req-2', decision: 'block' }]))
  })
})

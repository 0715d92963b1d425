import { describe, expect, it } from 'vitest'
import { DISCOVERY_EVENTS, PROVIDER_ICON } from '../extension/dapp-visible.ts'
import { announceProvider } from './discovery.ts'
import { createProvider, type ProviderTransport } from './provider.ts'
import type { DappPortEvent } from '../extension/methods/dapp.ts'

describe('discovery (EIP-6963 manner, own event names)', () => {
  it('announces at start and on every request, with frozen info', () => {
    const target = new EventTarget()
    const seen: any[] = []
    target.addEventListener(DISCOVERY_EVENTS.announce, (e) => seen.push((e as CustomEvent).detail))
    const provider = { isParley: true }
    announceProvider(target, provider, '5b3f0c9e-4a7d-4b8e-9f3e-2b1c0d9e8f7a')
    target.dispatchEvent(new Event(DISCOVERY_EVENTS.request))
    expect(seen).toHaveLength(2)
    expect(seen[0]).toBe(seen[1])
    expect(seen[0].provider).toBe(provider)
    expect(seen[0].info).toEqual({ uuid: '5b3f0c9e-4a7d-4b8e-9f3e-2b1c0d9e8f7a', name: 'Parley', icon: PROVIDER_ICON, rdns: 'org.parley-messenger' })
    expect(Object.isFrozen(seen[0]) && Object.isFrozen(seen[0].info)).toBe(true)
    expect(PROVIDER_ICON.startsWith('data:image/svg+xml;base64,')).toBe(true)
    expect(() => target.dispatchEvent(new Event('eip6963:requestProvider'))).not.toThrow()
    expect(seen).toHaveLength(2)
  })
})

describe('provider events', () => {
  function eventful(answer: (method: string) => unknown) {
    let push: ((e: DappPortEvent) => void) | null = null
    let opened = 0
    const transport: ProviderTransport = {
      send: async (r) => ({ ok: true, result: answer(r.method) }),
      openEvents: (l) => {
        opened++
        push = l
      },
    }
    return { transport, push: (e: DappPortEvent) => push!(e), opened: () => opened }
  }

  it('opens the event channel once, lazily, and emits accountsChanged only on real change', async () => {
    const t = eventful(() => ['0xAbC0000000000000000000000000000000000001'])
    const provider = createProvider(t.transport)
    provider.on('connect', () => {})
    expect(t.opened()).toBe(0)
    const changes: unknown[] = []
    provider.on('accountsChanged', (a) => changes.push(a))
    provider.on('message', () => {})
    expect(t.opened()).toBe(1)
    t.push({ type: 'accountsChanged', accounts: [] }) // learning the baseline is no change
    await provider.request({ method: 'xmtp_requestAccounts' })
    t.push({ type: 'accountsChanged', accounts: ['0xabc0000000000000000000000000000000000001'] }) // same, other case
    t.push({ type: 'accountsChanged', accounts: [] })
    t.push({ type: 'accountsChanged', accounts: [] })
    expect(changes).toEqual([['0xAbC0000000000000000000000000000000000001'], []])
  })

  it('emits message events with the subscription id, and opens the channel before subscribing', async () => {
    const t = eventful(() => ({ subscriptionId: 's1' }))
    const provider = createProvider(t.transport)
    await provider.request({ method: 'xmtp_subscribe' })
    expect(t.opened()).toBe(1)
    const got: unknown[] = []
    provider.on('message', (m) => got.push(m))
    const msg = { id: 'a'.repeat(64), topic: '/xmtp/0/x/proto', senderAddress: '0x1', sentAt: 1, content: { type: 'text' as const, text: 'hi' }, delivery: 'sent' as const }
    t.push({ type: 'message', subscriptionId: 's1', message: msg })
    expect(got).toEqual([{ subscriptionId: 's1', message: msg }])
  })
})

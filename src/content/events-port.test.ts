import { describe, expect, it } from 'vitest'
import { DAPP_EVENTS_PORT } from '../extension/methods/dapp.ts'
import { FakeWindow, flush } from '../extension/testing/fake-window.ts'
import { FakePort } from '../background/dapp/testing/fake-context.ts'
import { createEventsPortRelay } from './events-port.ts'

function setup() {
  const win = new FakeWindow()
  const ports: FakePort[] = []
  const names: string[] = []
  const relay = createEventsPortRelay(
    win,
    (name) => {
      names.push(name)
      const port = new FakePort()
      ports.push(port)
      return port
    },
    { reconnectDelayMs: 5, maxReconnectDelayMs: 20, readyTimeoutMs: 50 },
  )
  return { win, ports, names, relay }
}

describe('content events port', () => {
  it('opens one port on demand and passes events to the page, keeping its own bookkeeping to itself', async () => {
    const { win, ports, names, relay } = setup()
    expect(ports).toHaveLength(0)
    relay.want()
    relay.want()
    expect(names).toEqual([DAPP_EVENTS_PORT])
    ports[0]!.send({ type: 'accountsChanged', accounts: [] })
    ports[0]!.send({ type: 'subscribed', subscriptionId: 's1' })
    ports[0]!.send({ type: 'junk' })
    await flush()
    expect(win.posted.map((p: any) => p.message.event)).toEqual([{ type: 'accountsChanged', accounts: [] }])
  })

  it('requests wait for the port to be ready, but not forever', async () => {
    const { ports, relay } = setup()
    relay.want()
    let ready = false
    void relay.whenReady().then(() => (ready = true))
    await new Promise((r) => setTimeout(r, 1))
    expect(ready).toBe(false)
    ports[0]!.send({ type: 'accountsChanged', accounts: [] })
    await flush()
    expect(ready).toBe(true)
    ports[0]!.drop()
    await new Promise((r) => setTimeout(r, 10))
    const started = Date.now()
    await relay.whenReady() // the new port never answers: gives up after readyTimeoutMs
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('reconnects after a drop and resumes live subscriptions (ended ones are forgotten)', async () => {
    const { ports, relay } = setup()
    relay.want()
    ports[0]!.send({ type: 'subscribed', subscriptionId: 's1', topics: ['/xmtp/0/a/proto'] })
    ports[0]!.send({ type: 'subscribed', subscriptionId: 's2' })
    ports[0]!.send({ type: 'subscriptionEnded', subscriptionId: 's2' })
    ports[0]!.drop()
    for (let i = 0; i < 50 && ports.length < 2; i++) await flush()
    expect(ports).toHaveLength(2)
    expect(ports[1]!.received).toEqual([{ type: 'resume', subscriptions: [{ subscriptionId: 's1', topics: ['/xmtp/0/a/proto'] }] }])
    relay.stop()
    expect(ports[1]!.disconnected).toBe(true)
  })
})

// Per-file setup of the interop tests: one real node process (auth on) and, when a
// file needs them, a Parley client and an xmtp-js 13 client on fresh wallets.
// Each use* call registers its beforeAll/afterAll hooks and returns an object that
// those hooks fill in: read its fields inside tests and later hooks, not at import.
// Hooks run in order and are undone in reverse (vitest's default 'stack' order), so
// clients are closed before the node stops.
import { afterAll, beforeAll } from 'vitest'
import { startNode, type NodeProcess } from '../../src/node/testing/node-process.ts'
import { Client } from '../../src/protocol/index.ts'
import { newWallet, type TestWallet } from './wallets.ts'
import { createReferenceClient } from './xmtp-js.ts'

export interface NodeSetup {
  node: NodeProcess
}

export interface ParleySetup extends NodeSetup {
  parleyWallet: TestWallet
  parley: Client
}

export interface ParleyAndXmtpJsSetup extends ParleySetup {
  jsWallet: TestWallet
  js: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A node with auth on for this file's tests. */
export function useNode(): NodeSetup {
  const setup = {} as NodeSetup
  beforeAll(async () => {
    setup.node = await startNode({ auth: true })
  })
  afterAll(async () => {
    await setup.node?.stop()
  })
  return setup
}

/** useNode plus a Parley client on a fresh wallet (closed after the file's tests). */
export function useParley(): ParleySetup {
  const setup = useNode() as ParleySetup
  beforeAll(async () => {
    setup.parleyWallet = newWallet()
    setup.parley = await Client.create(setup.parleyWallet, { apiUrl: setup.node.url })
  })
  afterAll(async () => {
    await setup.parley?.close()
  })
  return setup
}

/** useParley plus an xmtp-js 13 client on another fresh wallet, on the same node. */
export function useParleyAndXmtpJs(): ParleyAndXmtpJsSetup {
  const setup = useParley() as ParleyAndXmtpJsSetup
  beforeAll(async () => {
    setup.jsWallet = newWallet()
    setup.js = await createReferenceClient(setup.jsWallet, setup.node.url)
  })
  return setup
}

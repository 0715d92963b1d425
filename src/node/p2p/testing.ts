// Test helpers for networks of real node processes on loopback: start a node with libp2p on a
// free port, read its peer addresses, wait for peers, and read a topic back in full.

import { startNode, type NodeProcess, type StartNodeOptions } from '../testing/node-process.ts'
import { post } from '../testing/http.ts'
import { P2P_LISTENING_LINE } from './start.ts'

export interface NetNode extends NodeProcess {
  /** This node's multiaddrs, each ending in /p2p/<peer id>. */
  addresses: string[]
  peerId: string
  /** A multiaddr without the peer id (what a user types as --bootstrap). */
  bareAddress: string
}

export interface StartNetNodeOptions extends StartNodeOptions {
  bootstrap?: string[]
  /** Reuse a port on restart (default 0: a free one). */
  p2pPort?: number
}

export async function startNetNode(options: StartNetNodeOptions = {}): Promise<NetNode> {
  const args = ['--p2p-port', String(options.p2pPort ?? 0), ...(options.bootstrap ?? []).flatMap((a) => ['--bootstrap', a]), ...(options.args ?? [])]
  const node = await startNode({ ...options, args })
  const out = node.output()
  const at = out.indexOf(P2P_LISTENING_LINE)
  if (at < 0) throw new Error(`no p2p listening line in the node output:\n${out}`)
  const addresses = out.slice(at + P2P_LISTENING_LINE.length, out.indexOf('\n', at)).trim().split(' ')
  const first = addresses[0]!
  const p2pAt = first.indexOf('/p2p/')
  return Object.assign(node, { addresses, peerId: first.slice(p2pAt + 5), bareAddress: first.slice(0, p2pAt) })
}

export interface PeersAnswer {
  p2p: boolean
  addresses: string[]
  peers: { peerId: string; addresses: string[]; relaying: boolean; mesh: boolean; queuedBytes: number }[]
  bounds: { min: number; max: number }
  connections: number
  keeper: { dials: number; failedDials: number; pruned: number; closedSilent: number; closedOverflow: number }
}

export async function peersOf(node: NodeProcess): Promise<PeersAnswer> {
  const response = await fetch(`${node.url}/peers`)
  if (response.status !== 200) throw new Error(`/peers answered ${response.status}`)
  return (await response.json()) as PeersAnswer
}

export async function healthOf(node: NodeProcess): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (await (await fetch(`${node.url}/healthz`)).json()) as Record<string, unknown>
}

/** Polls `probe` until it returns true; fails with `what` and the last value after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      if (await probe()) return
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** Waits until `node` has a relaying connection to every peer id in `peerIds`. */
export function waitForPeers(node: NodeProcess, peerIds: string[], timeoutMs = 30_000): Promise<void> {
  return waitFor(`${node.url} to relay with ${peerIds.length} peers`, async () => {
    const { peers } = await peersOf(node)
    return peerIds.every((id) => peers.some((p) => p.peerId === id && p.relaying))
  }, timeoutMs)
}

/** Every envelope of a topic on a node, ascending, as "timestampNs message(base64)" strings. */
export async function topicContents(node: NodeProcess, topic: string): Promise<string[]> {
  const out: string[] = []
  let cursor: unknown
  for (;;) {
    const { status, body } = await post(`${node.url}/message/v1/query`, {
      contentTopics: [topic],
      pagingInfo: { limit: 100, direction: 'SORT_DIRECTION_ASCENDING', ...(cursor ? { cursor } : {}) },
    })
    if (status !== 200) throw new Error(`query answered ${status}: ${JSON.stringify(body)}`)
    for (const e of body.envelopes) out.push(`${e.timestampNs} ${e.message}`)
    cursor = body.pagingInfo.cursor
    if (!cursor) return out
  }
}

import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type NodeProcess } from '../node/testing/node-process.ts'
import { checkNode } from './node-status.ts'

let node: NodeProcess
beforeAll(async () => {
  node = await startNode()
})
afterAll(async () => {
  await node?.stop()
})

const allowed = { fetch, hasHostPermission: async () => true }

describe('checkNode', () => {
  it('reports a live node as reachable with its round trip', async () => {
    const status = await checkNode(node.url, allowed)
    expect(status).toMatchObject({ url: node.url, reachable: true })
    expect(status.latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('says why a node is not reachable', async () => {
    expect(await checkNode('http://127.0.0.1:9', allowed)).toMatchObject({ reachable: false, error: 'connection failed (is the node running at this address?)' })
    expect(await checkNode(node.url, { fetch, hasHostPermission: async () => false })).toMatchObject({ reachable: false, error: expect.stringContaining('no host permission') })
  })

  it('times out on a server that never answers, and names HTTP errors', async () => {
    const server = createServer((_req, res) => res.writeHead(503).end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    expect(await checkNode(`http://127.0.0.1:${port}`, allowed)).toMatchObject({ reachable: false, error: 'the node answered HTTP 503' })
    const silent = createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const silentPort = (silent.address() as { port: number }).port
    expect(await checkNode(`http://127.0.0.1:${silentPort}`, { ...allowed, timeoutMs: 1000 })).toMatchObject({ reachable: false, error: 'no answer within 1 s' })
    silent.closeAllConnections()
    await new Promise((resolve) => silent.close(resolve))
    await new Promise((resolve) => server.close(resolve))
  })
})

// Retention against real processes: `npm run node -- prune` while the node runs (dry run, then
// for real, then a named kind), and a node started with --retention pruning on its own.
// Identity and invitation topics stay unless named.

import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { post } from './testing/http.ts'
import { startNode, type NodeProcess } from './testing/node-process.ts'
import { testStoreKind } from './testing/postgres.ts'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))
const run = promisify(execFile)
const dir = mkdtempSync(join(tmpdir(), 'parley-retention-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let node: NodeProcess | undefined
afterEach(async () => {
  await node?.stop()
  node = undefined
})

const DAY_NS = 86_400_000_000_000n
const nowNs = () => BigInt(Date.now()) * 1_000_000n
const TOPICS = {
  oldConversation: '/xmtp/0/m-old/proto',
  newConversation: '/xmtp/0/m-new/proto',
  oldV1: '/xmtp/0/dm-0xa-0xb/proto',
  oldContact: '/xmtp/0/contact-0xA/proto',
  oldInvite: '/xmtp/0/invite-0xA/proto',
}

async function seed(url: string): Promise<void> {
  const old = String(nowNs() - 100n * DAY_NS)
  const fresh = String(nowNs() - DAY_NS)
  const envelopes = [
    { contentTopic: TOPICS.oldConversation, timestampNs: old, message: 'AQ==' },
    { contentTopic: TOPICS.oldConversation, timestampNs: String(BigInt(old) + 1n), message: 'Ag==' },
    { contentTopic: TOPICS.newConversation, timestampNs: fresh, message: 'Aw==' },
    { contentTopic: TOPICS.oldV1, timestampNs: old, message: 'BA==' },
    { contentTopic: TOPICS.oldContact, timestampNs: old, message: 'BQ==' },
    { contentTopic: TOPICS.oldInvite, timestampNs: old, message: 'Bg==' },
  ]
  expect((await post(`${url}/message/v1/publish`, { envelopes })).status).toBe(200)
}

async function counts(url: string): Promise<Record<keyof typeof TOPICS, number>> {
  const names = Object.keys(TOPICS) as (keyof typeof TOPICS)[]
  const response = await post(`${url}/message/v1/batch-query`, { requests: names.map((n) => ({ contentTopics: [TOPICS[n]] })) })
  return Object.fromEntries(names.map((n, i) => [n, response.body.responses[i].envelopes.length])) as Record<keyof typeof TOPICS, number>
}

const pruneCli = async (args: string[]) => (await run(process.execPath, ['--import', 'tsx', CLI, 'prune', ...args], { env: process.env })).stdout

describe.skipIf(testStoreKind() === 'postgres')('retention on SQLite', () => {
  it('prune --older-than 90d, with the node running: a dry run, the conversations, then a named kind', async () => {
    const db = join(dir, 'prune.db')
    node = await startNode({ auth: false, db })
    await seed(node.url)

    const dry = await pruneCli(['--older-than', '90d', '--db', db, '--dry-run'])
    expect(dry).toMatch(new RegExp(`^dry run: would remove 3 envelopes older than 90d \\(sent before \\S+Z\\) from ${db}: m- 2, dm- 1\\n$`))
    expect(await counts(node.url)).toEqual({ oldConversation: 2, newConversation: 1, oldV1: 1, oldContact: 1, oldInvite: 1 })

    expect(await pruneCli(['--older-than', '90d', '--db', db])).toMatch(/^removed 3 envelopes older than 90d .*: m- 2, dm- 1\n$/)
    expect(await counts(node.url)).toEqual({ oldConversation: 0, newConversation: 1, oldV1: 0, oldContact: 1, oldInvite: 1 })
    expect((await (await fetch(`${node.url}/healthz`)).json()).status).toBe('ok')

    expect(await pruneCli(['--older-than', '90d', '--db', db, '--topics', 'invite'])).toMatch(/^removed 1 envelopes .*: invite- 1\n$/)
    expect(await counts(node.url)).toEqual({ oldConversation: 0, newConversation: 1, oldV1: 0, oldContact: 1, oldInvite: 0 })
  })

  it('refuses a prune on a database that does not exist (instead of creating one)', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', CLI, 'prune', '--older-than', '1d', '--db', join(dir, 'missing.db')]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    )
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining(`no database at ${join(dir, 'missing.db')}`) })
  })

  it('--retention 90d prunes old conversation envelopes on its own, and keeps identity topics', async () => {
    const db = join(dir, 'retention.db')
    node = await startNode({ auth: false, db })
    await seed(node.url)
    await node.stop()
    node = await startNode({ auth: false, db, args: ['--retention', '90d'] })
    // Retention prunes one topic kind after another (m-, then dm-): wait for the whole outcome.
    await expect.poll(() => counts(node!.url), { timeout: 10_000 }).toEqual({ oldConversation: 0, newConversation: 1, oldV1: 0, oldContact: 1, oldInvite: 1 })
  })
})

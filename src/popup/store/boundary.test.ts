// The popup's screens act through the store: none of them reaches the background's RPC client
// or the events port itself. Read from the source, so a new screen that goes around the store
// fails here rather than in review.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const popup = fileURLToPath(new URL('..', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : []
  })
}

describe('the popup acts through its store', () => {
  it('no screen, component or the App calls the RPC client, the events port or writes a wallet status', () => {
    const files = [...sources(join(popup, 'screens')), ...sources(join(popup, 'components')), join(popup, 'App.tsx')]
    expect(files.length).toBeGreaterThan(30)
    const around = files.filter((file) => /\brpc\b|\.call\(|\.events\.|setWallet/.test(readFileSync(file, 'utf8'))).map((file) => relative(popup, file))
    expect(around).toEqual([])
  })
})

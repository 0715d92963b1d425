// Test-only: every byte stored in an account database (keys, plain fields and sealed
// values), for encrypted-at-rest checks that search it for plaintext and key bytes.
import type { CacheDatabase } from '../database.ts'

const STORES = ['conversations', 'messages', 'outbox', 'client', 'consent', 'cursors', 'meta'] as const

/** One Uint8Array per stored primitive: strings as UTF-8 (and their lowercase), numbers as text, byte arrays as is. */
export async function collectStoredBytes(db: CacheDatabase): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  const encoder = new TextEncoder()
  const visit = (value: unknown): void => {
    if (value instanceof Uint8Array) out.push(value)
    else if (value instanceof ArrayBuffer) out.push(new Uint8Array(value))
    else if (typeof value === 'string') {
      out.push(encoder.encode(value))
      out.push(encoder.encode(value.toLowerCase()))
    } else if (typeof value === 'number' || typeof value === 'bigint') out.push(encoder.encode(String(value)))
    else if (Array.isArray(value)) value.forEach(visit)
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit)
  }
  for (const store of STORES) {
    let cursor = await db.transaction(store).store.openCursor()
    while (cursor) {
      visit(cursor.key)
      visit(cursor.value)
      cursor = await cursor.continue()
    }
  }
  return out
}

/** Whether any stored value contains `needle` (also lowercased when it is text). */
export function containsBytes(haystacks: Uint8Array[], needle: Uint8Array): boolean {
  if (needle.length === 0) return false
  for (const hay of haystacks) {
    outer: for (let i = 0; i + needle.length <= hay.length; i++) {
      for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
      return true
    }
  }
  return false
}

// Test helpers: the two secp256k1 backends, and a way to run one describe block on one of them.
import { afterAll, beforeAll } from 'vitest'
import { setSecp256k1Backend, type Secp256k1Backend } from '../backend.ts'
import { nobleBackend } from '../noble-backend.ts'
import { libsecp256k1Backend } from '../libsecp256k1.ts'

export const secp256k1Backends: readonly Secp256k1Backend[] = [nobleBackend, libsecp256k1Backend]

/** Installs `backend` for the enclosing describe block and restores the previous one after it. */
export function useSecp256k1BackendIn(backend: Secp256k1Backend): void {
  let previous: Secp256k1Backend | undefined
  beforeAll(() => {
    previous = setSecp256k1Backend(backend)
  })
  afterAll(() => {
    if (previous) setSecp256k1Backend(previous)
  })
}

// A dedicated worker that opens invitations for the background (issue 24): started by the
// offscreen document on Chromium, by the event page itself on Firefox. Its creator sends a
// `connect` message carrying the port to serve (a new one replaces the old: the background
// reconnects after a restart); requests arrive on that port (background/offload/serve.ts).
// The curve work runs on libsecp256k1 (WebAssembly) when the module loads here too, else on
// noble; `ready` tells the background which.
import { loadCryptoBackend } from '../background/session/crypto-backend.ts'
import { LIBSECP256K1_ASSET } from '../background/session/libsecp256k1-asset.ts'
import { asConnectMessage } from '../background/offload/messages.ts'
import { servePort } from '../background/offload/serve.ts'

const backend = loadCryptoBackend(async () => {
  const response = await fetch(new URL(`/${LIBSECP256K1_ASSET}`, self.location.origin))
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  return response.arrayBuffer()
})

let stop: (() => void) | undefined

self.addEventListener('message', (event: MessageEvent) => {
  const port = event.ports[0]
  if (!asConnectMessage(event.data) || !port) return
  void backend.ready.then(() => {
    stop?.()
    stop = servePort(port, () => backend.info().name)
  })
})

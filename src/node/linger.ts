// Closing a connection whose request body was refused part-way (or never read). Destroying the
// socket at once with request bytes still unread makes the kernel answer them with a reset
// (RST), and a client still sending its body sees ECONNRESET instead of the 413/400 that
// explains the refusal. So the node half-closes after the answer, discards what still
// arrives, and destroys the socket after LINGER_MS at most (bounded: a sender that never stops
// costs one socket for that long and no memory).
import type { IncomingMessage } from 'node:http'

export const LINGER_MS = 2_000

export function lingerThenClose(req: IncomingMessage, lingerMs = LINGER_MS): void {
  const socket = req.socket
  if (socket.destroyed) return
  const timer = setTimeout(() => socket.destroy(), lingerMs)
  timer.unref?.()
  socket.once('close', () => clearTimeout(timer))
  req.resume() // what still arrives is read and dropped
  socket.end()
}

// A colour disc drawn from the address, so the same peer looks the same everywhere.
import { keccak_256 } from '@noble/hashes/sha3.js'

function hues(address: string): [number, number] {
  const h = keccak_256(new TextEncoder().encode(address.toLowerCase()))
  return [((h[0] as number) * 360) / 256, ((h[1] as number) * 360) / 256]
}

export function Avatar({ address, size = 40 }: { address: string; size?: number }) {
  const [a, b] = hues(address)
  return (
    <span
      class="avatar"
      aria-hidden="true"
      style={{ width: `${size}px`, height: `${size}px`, background: `linear-gradient(135deg, hsl(${a} 70% 60%), hsl(${b} 65% 45%))`, fontSize: `${Math.round(size * 0.36)}px` }}
    >
      {address.slice(2, 4).toUpperCase()}
    </span>
  )
}

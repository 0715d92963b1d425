// A colour disc drawn from the address, so the same peer looks the same everywhere. Its white
// initials must stay readable (WCAG AA, 4.5:1) on every hue: yellow and green at a lightness
// that suits blue would be far too light, so each stop gets the lightest shade of its hue that
// still holds that contrast.
import { keccak_256 } from '@noble/hashes/sha3.js'

function hues(address: string): [number, number] {
  const h = keccak_256(new TextEncoder().encode(address.toLowerCase()))
  return [((h[0] as number) * 360) / 256, ((h[1] as number) * 360) / 256]
}

/** sRGB (0–255) of an HSL colour (h in degrees, s and l in 0–1). */
export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12
  const a = s * Math.min(l, 1 - l)
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)))
  return [f(0) * 255, f(8) * 255, f(4) * 255]
}

/** WCAG relative luminance of an sRGB colour. */
export function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const v = c / 255
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/** Contrast of white text on a colour. */
export const whiteContrast = (rgb: [number, number, number]) => 1.05 / (luminance(rgb) + 0.05)

/** The lightest lightness (in %, at most `max`) of hue h at saturation s with white text at 4.6:1 or more. */
export function readableLightness(h: number, s: number, max: number): number {
  for (let l = max; l > 10; l -= 1) if (whiteContrast(hslToRgb(h, s / 100, l / 100)) >= 4.6) return l
  return 10
}

/** The two gradient stops of an address's avatar. */
export function avatarStops(address: string): [string, string] {
  const [a, b] = hues(address)
  return [`hsl(${a} 70% ${readableLightness(a, 70, 52)}%)`, `hsl(${b} 65% ${readableLightness(b, 65, 42)}%)`]
}

export function Avatar({ address, size = 40 }: { address: string; size?: number }) {
  const [from, to] = avatarStops(address)
  return (
    <span class="avatar" aria-hidden="true" style={{ width: `${size}px`, height: `${size}px`, background: `linear-gradient(135deg, ${from}, ${to})`, fontSize: `${Math.round(size * 0.36)}px` }}>
      {address.slice(2, 4).toUpperCase()}
    </span>
  )
}

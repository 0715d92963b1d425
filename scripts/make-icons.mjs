// Draws Parley's toolbar/store icon (a white speech bubble on a violet rounded square)
// and writes it as PNGs at the sizes the manifests reference: public/icons/icon-<size>.png.
// Pure Node (zlib for the deflate step), so it runs on a fresh machine with no image tools.
// Usage: node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SIZES = [16, 32, 48, 128]
const SUPERSAMPLE = 4 // samples per axis per pixel, for smooth edges
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons')

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), 8 + data.length)
  return out
}
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0 // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// Shapes in a unit square (0..1). Each returns true when the point is inside.
const inRoundedSquare = (x, y, r) => {
  const cx = Math.min(Math.max(x, r), 1 - r)
  const cy = Math.min(Math.max(y, r), 1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}
const inEllipse = (x, y, cx, cy, rx, ry) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
const inTriangle = (x, y, [ax, ay], [bx, by], [cx, cy]) => {
  const s1 = (bx - ax) * (y - ay) - (by - ay) * (x - ax)
  const s2 = (cx - bx) * (y - by) - (cy - by) * (x - bx)
  const s3 = (ax - cx) * (y - cy) - (ay - cy) * (x - cx)
  return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)
}
const inBubble = (x, y) =>
  inEllipse(x, y, 0.5, 0.46, 0.31, 0.25) || inTriangle(x, y, [0.3, 0.6], [0.44, 0.68], [0.24, 0.82])
const DOTS = [0.36, 0.5, 0.64]
const inDot = (x, y) => DOTS.some((dx) => inEllipse(x, y, dx, 0.46, 0.045, 0.045))

const TOP = [99, 102, 241] // indigo
const BOTTOM = [139, 92, 246] // violet
function sample(x, y) {
  if (!inRoundedSquare(x, y, 0.22)) return [0, 0, 0, 0]
  const t = (x + y) / 2
  const bg = TOP.map((c, i) => c + (BOTTOM[i] - c) * t)
  if (inBubble(x, y) && !inDot(x, y)) return [255, 255, 255, 255]
  return [...bg, 255]
}

function render(size) {
  const px = Buffer.alloc(size * size * 4)
  const n = SUPERSAMPLE
  for (let py = 0; py < size; py++) {
    for (let pxl = 0; pxl < size; pxl++) {
      const acc = [0, 0, 0, 0]
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const s = sample((pxl + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size)
          // premultiply so transparent samples do not darken the edges
          for (let i = 0; i < 3; i++) acc[i] += (s[i] * s[3]) / 255
          acc[3] += s[3]
        }
      }
      const o = (py * size + pxl) * 4
      const a = acc[3] / (n * n)
      for (let i = 0; i < 3; i++) px[o + i] = a === 0 ? 0 : Math.round((acc[i] / (n * n)) * (255 / a))
      px[o + 3] = Math.round(a)
    }
  }
  return px
}

mkdirSync(outDir, { recursive: true })
for (const size of SIZES) {
  const file = join(outDir, `icon-${size}.png`)
  writeFileSync(file, encodePng(size, render(size)))
  console.log(`wrote ${file}`)
}

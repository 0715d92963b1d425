import { describe, expect, it } from 'vitest'
import { avatarStops, hslToRgb, whiteContrast } from './Avatar.tsx'

const parse = (hsl: string): [number, number, number] => {
  const [h, s, l] = hsl.match(/[\d.]+/g)!.map(Number) as [number, number, number]
  return hslToRgb(h, s / 100, l / 100)
}

describe('avatar colours', () => {
  it('converts HSL as CSS does', () => {
    expect(hslToRgb(0, 1, 0.5).map(Math.round)).toEqual([255, 0, 0])
    expect(hslToRgb(120, 1, 0.25).map(Math.round)).toEqual([0, 128, 0])
  })

  it('white initials hold 4.5:1 on both stops for every hue an address can give', () => {
    let worst = Infinity
    for (let i = 0; i < 256; i++) {
      const address = `0x${i.toString(16).padStart(2, '0').repeat(20)}`
      for (const stop of avatarStops(address)) worst = Math.min(worst, whiteContrast(parse(stop)))
    }
    // The old fixed lightness (60%) gave 1.46:1 on yellow.
    expect(worst).toBeGreaterThanOrEqual(4.5)
  })
})

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { REFUSAL, THROW_EXPRESSION, withoutInnerHtml } from './preact-without-inner-html.ts'

const preactPath = createRequire(import.meta.url).resolve('preact')

describe('preact without innerHTML', () => {
  it("removes the one innerHTML write from the installed Preact and keeps the rest", () => {
    const source = readFileSync(preactPath, 'utf8')
    const patched = withoutInnerHtml(source)
    expect(patched).not.toMatch(/\.innerHTML\s*=[^=]/)
    expect(patched).toContain(REFUSAL)
    // Only the write changed: the comparison that reads innerHTML stays, and so does every other byte.
    expect(patched).toContain('.innerHTML)')
    const [before, after] = patched.split(THROW_EXPRESSION)
    expect(source.startsWith(before!) && source.endsWith(after!)).toBe(true)
    expect(source.slice(before!.length, source.length - after!.length)).toMatch(/^\([\w$]+\.innerHTML=[\w$]+\.__html\)$/)
  })

  it('makes dangerouslySetInnerHTML throw instead of parsing HTML', () => {
    const patched = withoutInnerHtml('h?(l||(t.innerHTML=h.__html),r.__k=[]):0')
    const t: { innerHTML?: string } = {}
    const run = new Function('h', 'l', 't', 'r', patched) as (...args: unknown[]) => void
    expect(() => run({ __html: '<img src=x onerror=alert(1)>' }, false, t, {})).toThrow(TypeError)
    expect(t.innerHTML).toBeUndefined()
  })

  it('refuses a Preact whose write it cannot find, instead of letting it through', () => {
    expect(() => withoutInnerHtml('el.innerHTML = html')).toThrow(/found 0/)
  })

  it('no Parley source uses dangerouslySetInnerHTML', async () => {
    const { execFileSync } = await import('node:child_process')
    let hits = ''
    try {
      hits = execFileSync('grep', ['-rln', 'dangerouslySetInnerHTML', 'src'], { encoding: 'utf8' })
    } catch {
      hits = '' // grep exits 1 when nothing matches
    }
    expect(hits).toBe('')
  })
})

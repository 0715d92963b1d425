import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { inspect } from './check.ts'
import { circles, importGraph, sourceFiles } from './graph.ts'

let root: string | undefined
function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'structure-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true })
  root = undefined
})

describe('import circles', () => {
  it('finds a circle made only of type imports and re-exports, and names every file in it', () => {
    const dir = tree({
      'a/one.ts': "import type { B } from './two.ts'\nexport type A = B\n",
      'a/two.ts': "export { C as B } from '../b/three.ts'\n",
      'b/three.ts': "import { A } from '../a/one.ts'\nexport type C = A\n",
      'b/leaf.ts': "import { C } from './three.ts'\n",
    })
    const found = circles(importGraph(dir, sourceFiles(dir)))
    expect(found).toEqual([['a/one.ts', 'a/two.ts', 'b/three.ts']])
  })

  it('sees dynamic imports and self-imports, and ignores packages', () => {
    const dir = tree({
      'x.ts': "const y = await import('./y.ts')\nimport 'vitest'\n",
      'y.ts': "import './x.ts'\n",
      'self.ts': "export * from './self.ts'\n",
    })
    expect(circles(importGraph(dir, sourceFiles(dir)))).toEqual([['self.ts'], ['x.ts', 'y.ts']])
  })

  it('finds none in a tree without one, and skips the folders it is told to', () => {
    const dir = tree({ 'a.ts': "import './b.ts'\n", 'b.ts': 'export {}\n', 'gen/p.ts': "import '../a.ts'\n", 'gen/q.d.ts': '' })
    expect(sourceFiles(dir, ['gen'])).toEqual(['a.ts', 'b.ts'])
    expect(circles(importGraph(dir, sourceFiles(dir)))).toEqual([])
  })
})

describe('module size', () => {
  it('counts modules over 400 lines, tests and generated code aside', () => {
    const long = 'export const x = 1\n'.repeat(401)
    const dir = tree({ 'big.ts': long, 'ok.ts': 'export const x = 1\n'.repeat(400), 'big.test.ts': long, 'gen/proto.js': long })
    expect(inspect(dir).oversized).toEqual([{ file: 'big.ts', lines: 401 }])
  })
})

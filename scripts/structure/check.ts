// The structure check (issue 24): no import circle under src/ (generated code aside) and no
// hand-written module over 400 lines, printed side by side with a baseline commit
// (STRUCTURE_BASELINE, default HEAD~1, unpacked with `git archive`). Exits 1 when this tree
// breaks either rule; the baseline is only printed.
//
//   npx tsx scripts/structure/check.ts            this tree beside HEAD~1
//   STRUCTURE_BASELINE=<rev> npx tsx scripts/structure/check.ts
//   STRUCTURE_BASELINE=none  npx tsx scripts/structure/check.ts   this tree only (CI)
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { circles, importGraph, sourceFiles } from './graph.ts'

export const MAX_MODULE_LINES = 400
/** Not hand-written, or not modules: generated protobuf code, and tests (suites, not modules). */
const SKIP_DIRS = ['gen']
const isTest = (file: string) => /\.test\.(ts|tsx)$/.test(file)

export interface StructureReport {
  files: number
  circles: string[][]
  oversized: Array<{ file: string; lines: number }>
}

export function inspect(srcRoot: string): StructureReport {
  const files = sourceFiles(srcRoot, SKIP_DIRS)
  const oversized = files
    .filter((file) => !isTest(file))
    .map((file) => ({ file, lines: readFileSync(join(srcRoot, file), 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > MAX_MODULE_LINES)
    .sort((a, b) => b.lines - a.lines)
  return { files: files.length, circles: circles(importGraph(srcRoot, files)), oversized }
}

function baselineReport(rev: string): StructureReport | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'parley-structure-'))
  try {
    const archive = execFileSync('git', ['archive', '--format=tar', rev, 'src'], { maxBuffer: 256 * 1024 * 1024 })
    execFileSync('tar', ['-x', '-C', dir], { input: archive })
    return inspect(join(dir, 'src'))
  } catch (error) {
    console.log(`(baseline ${rev} unavailable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`)
    return undefined
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function main() {
  const here = inspect(join(process.cwd(), 'src'))
  const rev = process.env.STRUCTURE_BASELINE ?? 'HEAD~1'
  const before = rev === 'none' ? undefined : baselineReport(rev)
  const row = (name: string, now: string, then: string) => console.log(`| ${name.padEnd(34)} | ${now.padEnd(12)} | ${then.padEnd(12)} |`)
  row('measure', 'this tree', before ? `baseline ${rev}` : '')
  row('-'.repeat(34), '-'.repeat(12), '-'.repeat(12))
  row('source files under src/', String(here.files), before ? String(before.files) : '')
  row('import circles', String(here.circles.length), before ? String(before.circles.length) : '')
  row('files inside a circle', String(here.circles.flat().length), before ? String(before.circles.flat().length) : '')
  row(`modules over ${MAX_MODULE_LINES} lines`, String(here.oversized.length), before ? String(before.oversized.length) : '')
  for (const circle of here.circles) console.log(`circle: ${circle.join(' <> ')}`)
  for (const { file, lines } of here.oversized) console.log(`over ${MAX_MODULE_LINES} lines: ${file} (${lines})`)
  if (here.circles.length > 0 || here.oversized.length > 0) {
    console.log('structure check FAILED: no import circle and no module over 400 lines under src/ (see above)')
    process.exit(1)
  }
  console.log('structure check ok')
}

if (import.meta.url === `file://${process.argv[1]}`) main()

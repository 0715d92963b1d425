// The import graph of a source tree and its circles, from each file's import and export
// declarations (type-only imports included: a type circle still ties the modules' meaning
// together). Uses TypeScript's own pre-processor, which reads import/export/require/dynamic
// import specifiers without type-checking, so a whole tree takes well under a second.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/

/** Every source file under `root` (relative paths, sorted), skipping the folders in `skip`. */
export function sourceFiles(root: string, skip: readonly string[] = []): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      const rel = relative(root, path)
      if (skip.some((s) => rel === s || rel.startsWith(`${s}/`))) continue
      if (statSync(path).isDirectory()) walk(path)
      else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(rel)
    }
  }
  walk(root)
  return out.sort()
}

/** The files each file imports, by relative specifier, resolved the way the project writes them (explicit extensions). */
export function importGraph(root: string, files: readonly string[]): Map<string, string[]> {
  const known = new Set(files)
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8')
    const { importedFiles } = ts.preProcessFile(text, true, true)
    const targets = new Set<string>()
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue
      const base = relative(root, resolve(root, dirname(file), fileName))
      const candidate = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((c) => known.has(c) || (c === base && existsSync(join(root, c)) && known.has(c)))
      if (candidate) targets.add(candidate)
    }
    graph.set(file, [...targets].sort())
  }
  return graph
}

/** Strongly connected components with more than one file (or a file importing itself): the import circles. */
export function circles(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm, iterative so deep trees cannot overflow the stack.
  let index = 0
  const indexOf = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const found: string[][] = []
  for (const start of graph.keys()) {
    if (indexOf.has(start)) continue
    const work: Array<{ node: string; next: number }> = [{ node: start, next: 0 }]
    indexOf.set(start, index)
    low.set(start, index++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const frame = work[work.length - 1]!
      const edges = graph.get(frame.node) ?? []
      if (frame.next < edges.length) {
        const to = edges[frame.next++]!
        if (!indexOf.has(to)) {
          indexOf.set(to, index)
          low.set(to, index++)
          stack.push(to)
          onStack.add(to)
          work.push({ node: to, next: 0 })
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, indexOf.get(to)!))
        }
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!))
      if (low.get(frame.node) === indexOf.get(frame.node)) {
        const component: string[] = []
        let member: string
        do {
          member = stack.pop()!
          onStack.delete(member)
          component.push(member)
        } while (member !== frame.node)
        const selfLoop = component.length === 1 && (graph.get(frame.node) ?? []).includes(frame.node)
        if (component.length > 1 || selfLoop) found.push(component.sort())
      }
    }
  }
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!))
}

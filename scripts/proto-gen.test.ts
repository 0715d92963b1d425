import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')

function check(cwd: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync(process.execPath, ['scripts/proto-gen.mjs', '--check'], { cwd, encoding: 'utf8', stdio: 'pipe' })
    return { ok: true, output }
  } catch (error) {
    const e = error as { stderr?: string }
    return { ok: false, output: String(e.stderr) }
  }
}

describe('proto codegen staleness', () => {
  it('the committed src/gen matches proto/', () => {
    const result = check(root)
    expect(result.output).toContain('up to date')
    expect(result.ok).toBe(true)
  })

  it('fails when a .proto changes without regeneration', () => {
    // A copy of the project's proto/, scripts/ and src/gen/ with node_modules linked in.
    const tmp = mkdtempSync(join(tmpdir(), 'parley-stale-'))
    try {
      for (const dir of ['proto', 'scripts', 'src/gen']) cpSync(join(root, dir), join(tmp, dir), { recursive: true })
      execFileSync('ln', ['-s', join(root, 'node_modules'), join(tmp, 'node_modules')])
      expect(check(tmp).ok).toBe(true)
      const file = join(tmp, 'proto/message_api/v1/message_api.proto')
      writeFileSync(file, readFileSync(file, 'utf8').replace('bytes message = 3;', 'bytes message = 3;\n  string note = 4;'))
      const result = check(tmp)
      expect(result.ok).toBe(false)
      expect(result.output).toContain('stale')
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  })
})

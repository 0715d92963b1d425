// Packs the built extensions as store uploads:
//   dist/packages/parley-chrome-<version>.zip   (Chrome Web Store)
//   dist/packages/parley-firefox-<version>.zip  (addons.mozilla.org)
// Usage: npm run pack  (builds both first). Each zip is checked against its dist folder:
// manifest.json at the root and exactly the built files, nothing else.
import webExt from 'web-ext'
import { readFile, readdir, stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'dist', 'packages')
const TARGETS = ['chrome', 'firefox']

async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort()
}

/** File names in a zip, read from its central directory. */
function zipEntryNames(zip) {
  const EOCD = 0x06054b50
  let eocd = -1
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)')
  const count = zip.readUInt16LE(eocd + 10)
  let at = zip.readUInt32LE(eocd + 16)
  const names = []
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt central directory')
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength))
    at += 46 + nameLength + extraLength + commentLength
  }
  return names.filter((name) => !name.endsWith('/')).sort()
}

let failed = false
for (const target of TARGETS) {
  const sourceDir = join(ROOT, 'dist', target)
  if (!existsSync(join(sourceDir, 'manifest.json'))) {
    console.error(`pack: ${relative(ROOT, sourceDir)} is not built; run npm run build`)
    failed = true
    continue
  }
  const manifest = JSON.parse(await readFile(join(sourceDir, 'manifest.json'), 'utf8'))
  const filename = `parley-${target}-${manifest.version}.zip`
  const { extensionPath } = await webExt.cmd.build(
    { sourceDir, artifactsDir: OUT, filename, overwriteDest: true },
    { shouldExitProgram: false, showReadyMessage: false },
  )
  const inZip = zipEntryNames(await readFile(extensionPath))
  const onDisk = await listFiles(sourceDir)
  if (JSON.stringify(inZip) !== JSON.stringify(onDisk) || !inZip.includes('manifest.json')) {
    console.error(`pack: ${filename} does not match ${relative(ROOT, sourceDir)}`)
    failed = true
    continue
  }
  const { size } = await stat(extensionPath)
  console.log(`pack: ${relative(ROOT, extensionPath)} (${inZip.length} files, ${(size / 1024).toFixed(1)} KiB)`)
}
process.exitCode = failed ? 1 : 0

// Accessibility checks with axe-core for the e2e scripts: injects axe into a page (evaluated
// over the DevTools protocol, so an extension page's CSP does not block it), runs the WCAG 2.x
// A/AA rules and best practices, and fails on any serious or critical violation, naming the
// rule, the elements and the screen. Each screen is checked in light and dark.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
let source

async function axeSource() {
  source ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
  return source
}

/** Violations of impact serious or critical on the page as it is now (one colour scheme). */
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(await axeSource())
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  )
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.split('\n').slice(1, 2).join('').trim()})` : ''}`) }))
}

/** Throws when axe finds a serious or critical violation, in light or dark. */
export async function assertAccessible(page, screen) {
  const problems = []
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme })
    // The scheme switch starts colour transitions: finish them, or axe measures colours halfway.
    // An endless animation (a spinner while the identity is made) cannot be finished: left as is.
    await page.evaluate(() => {
      void getComputedStyle(document.body).color
      for (const animation of document.getAnimations()) {
        if (Number.isFinite(Number(animation.effect?.getComputedTiming().endTime))) animation.finish()
      }
    })
    for (const v of await seriousViolations(page)) problems.push(`[${colorScheme}] ${v.id} (${v.impact}): ${v.help} → ${v.targets.join('; ')}`)
  }
  await page.emulateMedia({ colorScheme: 'light' })
  if (problems.length > 0) throw new Error(`axe: ${screen} has ${problems.length} serious/critical violation(s):\n  ${problems.join('\n  ')}`)
}

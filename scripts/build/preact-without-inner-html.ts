// A build step that takes the one `innerHTML` write out of Preact: the code path behind
// `dangerouslySetInnerHTML`, a prop Parley never uses. Extension reviewers (and `web-ext lint`)
// flag any assignment to innerHTML, because a page that renders HTML strings is one mistake away
// from script injection. With this plugin the prop throws a TypeError instead of parsing HTML, so
// the popup's bundle holds no HTML sink at all; everything else Preact does is unchanged.

import type { Plugin } from 'vite'

const PREACT_MODULE = /[\\/]node_modules[\\/]preact[\\/]dist[\\/]preact\.m?js$/

// Preact's minified diff: `(t.innerHTML=h.__html)`, with whatever names the minifier chose.
const INNER_HTML_WRITE = /\(([A-Za-z_$][\w$]*)\.innerHTML=([A-Za-z_$][\w$]*)\.__html\)/g

export const REFUSAL = "dangerouslySetInnerHTML is turned off in Parley's build; render elements instead (scripts/build/preact-without-inner-html.ts)"

/** What the write becomes: an expression that throws, so the surrounding code stays valid. */
export const THROW_EXPRESSION = `(()=>{throw new TypeError(${JSON.stringify(REFUSAL)})})()`

/** Preact's source with its innerHTML write replaced by a throw; fails when the write is not found once. */
export function withoutInnerHtml(code: string): string {
  const writes = code.match(INNER_HTML_WRITE)?.length ?? 0
  if (writes !== 1) {
    throw new Error(`preact-without-inner-html: expected Preact to write innerHTML exactly once, found ${writes}; update the pattern for this Preact version`)
  }
  return code.replace(INNER_HTML_WRITE, () => THROW_EXPRESSION)
}

export function preactWithoutInnerHtml(): Plugin {
  let seen = false
  return {
    name: 'parley:preact-without-inner-html',
    enforce: 'pre',
    transform(code, id) {
      if (!PREACT_MODULE.test(id.split('?')[0]!)) return null
      seen = true
      return { code: withoutInnerHtml(code), map: null }
    },
    buildEnd(error) {
      // Preact moved or was renamed: say so rather than ship its innerHTML write unnoticed.
      if (!error && !seen && this.getModuleIds) {
        const preactBundled = [...this.getModuleIds()].some((moduleId) => /[\\/]node_modules[\\/]preact[\\/]/.test(moduleId))
        if (preactBundled) this.error('preact-without-inner-html: Preact was bundled but its main module was never transformed')
      }
    },
  }
}

// Parley's pages never render raw HTML, so the one innerHTML write in Preact's renderer (the
// dangerouslySetInnerHTML path) is replaced by an error at build time. The bundle then holds no
// innerHTML assignment (web-ext lint: 0 warnings), and a future use fails loudly instead of
// opening an HTML-injection hole. If Preact's code changes shape, the build stops and says so.
import type { Plugin } from 'vite'

/** Preact 11's renderer, as published in preact/dist/preact.mjs. */
export const PREACT_RAW_HTML_WRITE = '(t.innerHTML=h.__html)'
export const RAW_HTML_REFUSAL = '(()=>{throw new TypeError("Parley pages do not render raw HTML (dangerouslySetInnerHTML)")})()'

export function stripRawHtml(code: string, id: string): string | null {
  if (!/[\\/]preact[\\/]dist[\\/]preact\.mjs$/.test(id.split('?')[0] ?? '')) return null
  if (!code.includes(PREACT_RAW_HTML_WRITE)) {
    throw new Error(`scripts/vite-no-raw-html.ts: Preact's innerHTML write was not found in ${id}; update the pattern for this Preact version`)
  }
  return code.split(PREACT_RAW_HTML_WRITE).join(RAW_HTML_REFUSAL)
}

export function noRawHtml(): Plugin {
  return {
    name: 'parley-no-raw-html',
    enforce: 'pre',
    transform(code, id) {
      const out = stripRawHtml(code, id)
      return out === null ? null : { code: out, map: null }
    },
  }
}

// The full-tab view's address, shared by the background (notification clicks, ui_openTab) and
// the popup (which renders the same page as a tab when `view=tab`). A conversation topic
// contains slashes, so it travels percent-encoded in the hash.
//
// Imported by pages and the background: keep it free of chrome.*, browser.* and DOM.

export const POPUP_PAGE = 'src/popup/index.html'

/** Path (relative to the extension root) of the full-tab view, optionally on one conversation. */
export function tabViewPath(topic?: string): string {
  return `${POPUP_PAGE}?view=tab${topic === undefined ? '' : `#/conversation/${encodeURIComponent(topic)}`}`
}

/** The conversation a full-tab hash points at (`#/conversation/<topic>`), or null. */
export function conversationFromHash(hash: string): string | null {
  const match = /^#\/conversation\/(.+)$/.exec(hash)
  if (!match) return null
  try {
    return decodeURIComponent(match[1]!)
  } catch {
    return null
  }
}

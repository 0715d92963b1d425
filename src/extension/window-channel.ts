// The same-window postMessage plumbing shared by the page-world provider and the content
// script. Both sides only accept events whose source is their own window and whose origin is
// the page's origin: frames, popups and other windows cannot speak on the channel.
//
// Typed against a minimal window shape so it runs in unit tests without a DOM.

export interface ChannelEvent {
  data: unknown
  source: unknown
  origin: string
}

export interface ChannelWindow {
  addEventListener(type: 'message', listener: (event: ChannelEvent) => void): void
  removeEventListener(type: 'message', listener: (event: ChannelEvent) => void): void
  postMessage(message: unknown, targetOrigin: string): void
  readonly location: { readonly origin: string }
  /**
   * The document's own origin (`window.origin`): "null" for a sandboxed page, whose
   * `location.origin` still names its URL's origin. Absent in tests = `location.origin`.
   */
  readonly origin?: string
}

/** The origin the page really has: a sandboxed (CSP or iframe) page's is opaque, "null". */
export function documentOrigin(win: ChannelWindow): string {
  return typeof win.origin === 'string' ? win.origin : win.location.origin
}

export function isSameWindowEvent(win: ChannelWindow, event: ChannelEvent): boolean {
  return event.source === win && event.origin === documentOrigin(win)
}

/** Posts to our own window, addressed to our own origin (opaque origins can only use '*'). */
export function postToSameWindow(win: ChannelWindow, message: unknown): void {
  const origin = documentOrigin(win)
  win.postMessage(message, origin === 'null' ? '*' : origin)
}

// What the approval window says for each kind of request: exactly what is asked, in words.
import { SCOPE_DESCRIPTIONS } from '../extension/dapp-visible.ts'
import type { ApprovalSendView, ApprovalView, SiteScope } from '../extension/views.ts'

export function headlineOf(view: ApprovalView): string {
  switch (view.kind) {
    case 'connect':
      return 'wants to connect to your account'
    case 'permissions':
      return 'asks for more permissions'
    case 'send':
      return 'wants to send a message from your account'
  }
}

export function scopeLines(scopes: readonly SiteScope[] | undefined): string[] {
  return (scopes ?? []).map((scope) => SCOPE_DESCRIPTIONS[scope])
}

/** 0x1234…abcd, keeping the checksum case. */
export function shortAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address
}

/** Which conversation a send goes into, so the user never mistakes a site's for their own. */
export function conversationLine(send: ApprovalSendView): string {
  if (send.conversationId === null) return 'Your personal conversation with this address (not a site’s)'
  if (send.sitesOwn) return `This site’s conversation “${send.conversationId}”`
  return `The conversation “${send.conversationId}” (not this site’s own: it may read all your conversations)`
}

// What the approval window says for each kind of request: exactly what is asked, in words.
import { SCOPE_DESCRIPTIONS } from '../extension/dapp-visible.ts'
import type { ApprovalView, SiteScope } from '../extension/views.ts'

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

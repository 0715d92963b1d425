// What a person reads when a call to the background fails: one sentence, in the words of the
// problem, never the RPC wrapping. The background's -32602 errors say "Invalid params for
// "method": why" for dapp developers; the popup keeps only the why, names fields the way the
// screens do, and ends it as a sentence.
import { ProviderRpcError } from '../../extension/rpc-error.ts'

const DEVELOPER_PREFIX = /^Invalid params for "[^"]*":\s*/

/** Field names of the RPC params, as the screens call them. */
const FIELD_WORDS: Array<[RegExp, string]> = [
  [/\bnodeUrl\b/g, 'the node address'],
  [/\bpeerAddress\b/g, 'the address'],
  [/\bautoLockMinutes\b/g, 'the auto-lock time'],
  [/\blabel\b/g, 'the name'],
  [/\s*\(permissions\.request for [^)]*\)/g, ''],
  [/must be at least 1 characters/g, 'must not be empty'],
]

export function asSentence(message: string): string {
  let text = message.replace(DEVELOPER_PREFIX, '').trim()
  for (const [pattern, words] of FIELD_WORDS) text = text.replace(pattern, words)
  if (text === '') return 'Something went wrong. Try again.'
  text = text.charAt(0).toUpperCase() + text.slice(1)
  return /[.!?…]$/.test(text) ? text : `${text}.`
}

/** The sentence for a failed call: the background's own reason, or `fallback` for anything else. */
export function errorText(error: unknown, fallback = 'Something went wrong. Try again.'): string {
  return error instanceof ProviderRpcError ? asSentence(error.message) : fallback
}

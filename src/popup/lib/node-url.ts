// The node URL a person types in Settings: checked, normalised, and whether the extension
// already has host access to it (127.0.0.1 and localhost are granted by the manifest).
export type NodeUrlCheck = { ok: true; url: string; origin: string; needsPermission: boolean } | { ok: false; message: string }

const GRANTED_HOSTS = new Set(['127.0.0.1', 'localhost'])

export function checkNodeUrl(input: string): NodeUrlCheck {
  const value = input.trim()
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return { ok: false, message: 'Enter a full URL, e.g. http://127.0.0.1:5555' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: 'The node URL must start with http:// or https://' }
  if (url.username || url.password) return { ok: false, message: 'The node URL must not contain a user name or password.' }
  if (url.search || url.hash) return { ok: false, message: 'The node URL must not contain ? or #.' }
  const path = url.pathname.replace(/\/+$/, '')
  return {
    ok: true,
    url: `${url.origin}${path}`,
    origin: url.origin,
    needsPermission: !(url.protocol === 'http:' && GRANTED_HOSTS.has(url.hostname)),
  }
}

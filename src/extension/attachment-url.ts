// Which remote-attachment links Parley will download (issue 19, item 4). A peer names the URL,
// and the background fetches with the extension's host permissions, so a link must never
// reach this machine or the user's network: https only, no credentials in the link, and no
// localhost, loopback, private, link-local, unique-local or otherwise special address
// literal. URL parsing normalises the odd forms first (http://2130706433/, 0x7f.1, [::ffff:
// 127.0.0.1]), so the checks below see one canonical address. A DNS name that resolves to a
// private address cannot be checked from an extension (no resolver); see README.
// Shared by the background (which refuses) and the popup (which says why).

/** Why Parley will not download `url`, in words for the person, or undefined when it may. */
export function attachmentUrlProblem(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'the attachment link is not a valid URL'
  }
  if (parsed.protocol !== 'https:') return `attachments are only downloaded over https (this link uses ${parsed.protocol.replace(/:$/, '')})`
  if (parsed.username || parsed.password) return 'the attachment link carries a user name or password'
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) {
    return `the attachment link points at this computer or the local network (${host})`
  }
  if (host.startsWith('[')) {
    const groups = ipv6Groups(host.slice(1, -1))
    if (!groups) return 'the attachment link has a malformed address'
    const why = ipv6Problem(groups)
    return why ? `the attachment link points at ${why} (${host})` : undefined
  }
  const v4 = ipv4Octets(host)
  if (v4) {
    const why = ipv4Problem(v4)
    return why ? `the attachment link points at ${why} (${host})` : undefined
  }
  return undefined
}

function ipv4Octets(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  if (!m) return undefined
  const octets = m.slice(1).map(Number)
  return octets.every((o) => o <= 255) ? octets : undefined
}

/** What kind of non-public IPv4 address this is, or undefined for a public one. */
function ipv4Problem([a, b]: number[]): string | undefined {
  if (a === 127) return 'a loopback address'
  if (a === 0) return 'an unspecified address'
  if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168)) return 'a private address'
  if (a === 100 && b! >= 64 && b! <= 127) return 'a shared (carrier-grade NAT) address'
  if (a === 169 && b === 254) return 'a link-local address'
  if (a === 192 && b === 0) return 'a reserved address'
  if (a === 198 && (b === 18 || b === 19)) return 'a reserved address'
  if (a! >= 224) return 'a multicast or reserved address'
  return undefined
}

/** The eight 16-bit groups of an IPv6 literal as URL prints it (compressed, maybe with a dotted tail). */
function ipv6Groups(text: string): number[] | undefined {
  let body = text
  const tail: number[] = []
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(body)
  if (dotted) {
    const o = ipv4Octets(dotted[1]!)
    if (!o) return undefined
    tail.push((o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!)
    body = body.slice(0, -dotted[1]!.length) + (body.endsWith('::' + dotted[1]) ? '' : '0')
    if (body.endsWith(':0')) body = body.slice(0, -2)
  }
  const halves = body.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)))
  const head = parse(halves[0]!)
  const rest = halves.length === 2 ? parse(halves[1]!) : []
  const known = head.length + rest.length + tail.length
  if (known > 8 || (halves.length === 1 && known !== 8) || [...head, ...rest].some(Number.isNaN)) return undefined
  return [...head, ...new Array(8 - known).fill(0), ...rest, ...tail]
}

function ipv6Problem(g: number[]): string | undefined {
  const embedded = (hi: number, lo: number) => ipv4Problem([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff])
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (zeros(8)) return 'an unspecified address'
  if (zeros(7) && g[7] === 1) return 'a loopback address'
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
  if ((zeros(5) && g[5] === 0xffff) || zeros(6) || (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))) {
    return embedded(g[6]!, g[7]!) ?? undefined
  }
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!) // 6to4 names an IPv4 host
  if ((g[0]! & 0xfe00) === 0xfc00) return 'a unique-local address'
  if ((g[0]! & 0xffc0) === 0xfe80 || (g[0]! & 0xffc0) === 0xfec0) return 'a link-local address'
  if ((g[0]! & 0xff00) === 0xff00) return 'a multicast address'
  return undefined
}

// The build step between the top-level manifest.json (the keys Chrome and Firefox share) and
// the manifest each browser gets: the version from package.json, the background entry in the
// browser's form, and the keys only one browser reads. Pure, so a unit test pins the output.
// See ../shared/notes/extension-toolchain.md §1 and §3 for why each per-browser key is set.

export type BuildTarget = 'chrome' | 'firefox'

/** Stable add-on id; Firefox needs it for storage and for the store listing. */
export const GECKO_ID = 'parley@parley-messenger.org'

/** The background entry point, relative to the project root (crxjs rewrites it to the built file). */
export const BACKGROUND_ENTRY = 'src/background/index.ts'

/**
 * Permissions only Chromium gets: "offscreen" (chrome.offscreen, reason WORKERS) lets the
 * service worker start the invitation workers of a first sync (src/background/offload);
 * Firefox has no such API (its event page starts workers itself) and web-ext lint rejects it.
 */
export const CHROME_ONLY_PERMISSIONS = ['offscreen'] as const

/** Keys the shared manifest.json must not set: the build step owns them. */
const BUILD_OWNED = ['version', 'background', 'browser_specific_settings', 'minimum_chrome_version'] as const

export type ManifestJson = Record<string, unknown> & { manifest_version: 3 }

export function buildTarget(env: Record<string, string | undefined> = process.env): BuildTarget {
  const target = env.TARGET ?? 'chrome'
  if (target !== 'chrome' && target !== 'firefox') {
    throw new RangeError(`TARGET must be "chrome" or "firefox", got "${target}"`)
  }
  return target
}

/** Checks the shared manifest's shape; throws a labelled error naming the bad key. */
export function checkSharedManifest(value: unknown): ManifestJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('manifest.json must hold a JSON object')
  const shared = value as Record<string, unknown>
  if (shared.manifest_version !== 3) throw new RangeError('manifest.json: manifest_version must be 3')
  for (const key of BUILD_OWNED) {
    if (key in shared) throw new RangeError(`manifest.json: "${key}" is set per browser by the build (scripts/manifest.ts); remove it`)
  }
  for (const key of ['permissions', 'host_permissions', 'optional_host_permissions'] as const) {
    const list = shared[key]
    if (list !== undefined && !(Array.isArray(list) && list.every((item) => typeof item === 'string'))) {
      throw new TypeError(`manifest.json: "${key}" must be a list of strings`)
    }
  }
  return shared as ManifestJson
}

/** The manifest for one browser: the shared keys plus that browser's background and settings. */
export function manifestFor(target: BuildTarget, sharedManifest: unknown, version: string): ManifestJson {
  const shared = checkSharedManifest(sharedManifest)
  if (!/^\d+(\.\d+){0,3}$/.test(version)) throw new RangeError(`version must be 1-4 dot-separated numbers, got "${version}"`)
  const copy = structuredClone(shared)
  if (target === 'firefox') {
    return {
      ...copy,
      version,
      // An event page (module): Firefox has no extension service workers.
      background: { scripts: [BACKGROUND_ENTRY], type: 'module' },
      browser_specific_settings: {
        gecko: {
          id: GECKO_ID,
          // 140 is the first release that understands data_collection_permissions.
          strict_min_version: '140.0',
          data_collection_permissions: { required: ['none'] },
        },
        gecko_android: { strict_min_version: '142.0' },
      },
    }
  }
  return {
    ...copy,
    version,
    permissions: [...((copy.permissions as string[] | undefined) ?? []), ...CHROME_ONLY_PERMISSIONS],
    background: { service_worker: BACKGROUND_ENTRY, type: 'module' },
    // 111: first release with world: "MAIN" content scripts declared in the manifest.
    minimum_chrome_version: '111',
  }
}

// Settings → Connected sites and Blocked sites: what each site may do (one line per ability,
// each removable on its own), revoking a site at once, and lifting a block set from an
// approval window.
import { useEffect } from 'preact/hooks'
import { useAppState, useServices } from '../../context.ts'
import { shortAddress } from '../../lib/address.ts'
import { scopeEntries } from '../../lib/site-scopes.ts'
import { errorText } from '../../lib/error-sentence.ts'

export function SiteSettings({ onError }: { onError: (message: string) => void }) {
  const { store } = useServices()
  const sites = useAppState((s) => s.sites)
  const blocked = useAppState((s) => s.blockedSites)

  useEffect(() => {
    void store.settings.loadSites()
  }, [store])

  const act = async (run: () => Promise<void>) => {
    try {
      await run()
    } catch (e) {
      onError(errorText(e))
    }
  }

  return (
    <>
      <section class="card" aria-labelledby="s-sites">
        <h2 id="s-sites">Connected sites</h2>
        {sites === null ? (
          <p class="muted small">Loading…</p>
        ) : sites.length === 0 ? (
          <p class="muted small">No site is connected. Sites ask before they can read or send with your account.</p>
        ) : (
          <ul class="site-list">
            {sites.map((site) => (
              <li key={`${site.origin}-${site.accountAddress}`} class="site-row" data-origin={site.origin}>
                <div class="site-text">
                  <span class="site-origin">{site.origin}</span>
                  <span class="muted small">
                    with <span class="mono">{shortAddress(site.accountAddress)}</span>, may:
                  </span>
                  <ul class="site-scopes">
                    {scopeEntries(site.scopes).map((entry) => (
                      <li key={entry.scope} class="site-scope">
                        <span>{entry.label}</span>
                        <button
                          type="button"
                          class="link-button small"
                          aria-label={`Remove “${entry.label}” from ${site.origin}`}
                          onClick={() =>
                            void act(() => store.settings.removeScope(site, entry.scope))
                          }
                        >
                          Remove
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
                <button
                  type="button"
                  class="button secondary small danger"
                  aria-label={`Revoke ${site.origin}`}
                  onClick={() => void act(() => store.settings.revokeSite(site.origin))}
                >
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      {blocked.length > 0 && (
        <section class="card" aria-labelledby="s-blocked-sites">
          <h2 id="s-blocked-sites">Blocked sites</h2>
          <p class="muted small">Their requests are refused without asking you.</p>
          <ul class="site-list">
            {blocked.map((site) => (
              <li key={site.origin} class="site-row" data-blocked-origin={site.origin}>
                <span class="site-origin site-text">{site.origin}</span>
                <button
                  type="button"
                  class="button secondary small"
                  aria-label={`Unblock ${site.origin}`}
                  onClick={() => void act(() => store.settings.unblockSite(site.origin))}
                >
                  Unblock
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  )
}

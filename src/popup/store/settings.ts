// The store's settings actions: the background's settings (node URL, auto-lock, notifications,
// read receipts) and the sites connected to an account or blocked from asking.
import type { SettingsView, SiteScope, SiteView } from '../../extension/views.ts'
import { StoreActions } from './state.ts'

export class SettingsActions extends StoreActions {
  async load(): Promise<void> {
    this.set({ settings: await this.rpc.call('settings_get') })
  }

  /** Saves a change; the state holds what the background answered. */
  async update(change: Partial<SettingsView>): Promise<void> {
    this.set({ settings: await this.rpc.call('settings_update', change) })
  }

  /** Lists the connected and the blocked sites; what fails to list shows as none. */
  async loadSites(): Promise<void> {
    await Promise.all([
      this.rpc.call('sites_list').then(
        ({ sites }) => this.set({ sites }),
        () => this.set({ sites: [] }),
      ),
      this.rpc.call('sites_blocked').then(
        ({ blocked }) => this.set({ blockedSites: blocked }),
        () => this.set({ blockedSites: [] }),
      ),
    ])
  }

  /** Takes one ability from a site (for one account); a site left with none is disconnected. */
  async removeScope(site: SiteView, scope: SiteScope): Promise<void> {
    const { sites } = await this.rpc.call('sites_removeScope', { origin: site.origin, accountAddress: site.accountAddress, scope })
    this.set({ sites })
  }

  /** Disconnects a site from every account. */
  async revokeSite(origin: string): Promise<void> {
    const { sites } = await this.rpc.call('sites_revoke', { origin })
    this.set({ sites })
  }

  /** Lets a blocked site ask again. */
  async unblockSite(origin: string): Promise<void> {
    const { blocked } = await this.rpc.call('sites_unblock', { origin })
    this.set({ blockedSites: blocked })
  }
}

// How screens reach the store and the platform: one context, one hook per need.
import { createContext } from 'preact'
import { useContext, useEffect, useRef, useState } from 'preact/hooks'
import type { Platform } from './platform/types.ts'
import type { AppStore } from './store/app-store.ts'
import type { AppState } from './store/state.ts'

export interface AppServices {
  store: AppStore
  platform: Platform
  /** Injected clock, so screenshots and tests show stable times. */
  now: () => number
}

export const ServicesContext = createContext<AppServices | null>(null)

export function useServices(): AppServices {
  const services = useContext(ServicesContext)
  if (!services) throw new Error('useServices outside <ServicesContext.Provider>')
  return services
}

/** Re-renders when the selected part of the store's state changes (compared with ===). */
export function useAppState<T>(select: (state: AppState) => T): T {
  const { store } = useServices()
  const [, bump] = useState(0)
  const selectRef = useRef(select)
  selectRef.current = select
  const value = select(store.snapshot)
  const last = useRef(value)
  last.current = value
  useEffect(() => {
    const check = () => {
      const next = selectRef.current(store.snapshot)
      if (next !== last.current) {
        last.current = next
        bump((n) => n + 1)
      }
    }
    const unsubscribe = store.subscribe(check)
    check() // the state may have changed between render and this effect
    return unsubscribe
  }, [store])
  return value
}

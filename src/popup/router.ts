// Hash routes shared by the popup and the full tab (`index.html?view=tab#/conversation/<topic>`).
import { useEffect, useState } from 'preact/hooks'

export type Route =
  | { name: 'conversations'; tab: 'messages' | 'requests' }
  | { name: 'conversation'; topic: string }
  | { name: 'new' }
  | { name: 'accounts' }
  | { name: 'settings' }

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '')
  const parts = path.split('/').filter((p) => p.length > 0)
  switch (parts[0]) {
    case 'conversation': {
      const raw = parts.slice(1).join('/')
      if (raw.length === 0) break
      try {
        return { name: 'conversation', topic: decodeURIComponent(raw) }
      } catch {
        break
      }
    }
    case 'requests':
      return { name: 'conversations', tab: 'requests' }
    case 'new':
      return { name: 'new' }
    case 'accounts':
      return { name: 'accounts' }
    case 'settings':
      return { name: 'settings' }
  }
  return { name: 'conversations', tab: 'messages' }
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'conversations':
      return route.tab === 'requests' ? '#/requests' : '#/'
    case 'conversation':
      return `#/conversation/${encodeURIComponent(route.topic)}`
    default:
      return `#/${route.name}`
  }
}

export function navigate(route: Route): void {
  location.hash = routeHref(route)
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}

// Which screen shows: onboarding, unlock, the identity's progress, or the messenger itself
// (one column in the popup; list and conversation side by side in a wide tab).
import { useEffect } from 'preact/hooks'
import { Spinner } from './components/Spinner.tsx'
import { ServicesContext, useAppState, useServices, type AppServices } from './context.ts'
import { describeWorker } from './status.ts'
import { useRoute, type Route } from './router.ts'
import { Accounts } from './screens/Accounts.tsx'
import { Conversation } from './screens/Conversation.tsx'
import { ConversationList } from './screens/ConversationList.tsx'
import { IdentitySetup } from './screens/IdentitySetup.tsx'
import { NewConversation } from './screens/NewConversation.tsx'
import { Onboarding } from './screens/onboarding/Onboarding.tsx'
import { Settings } from './screens/Settings.tsx'
import { Unlock } from './screens/Unlock.tsx'
import { EmptyState } from './components/EmptyState.tsx'

export function App({ services }: { services: AppServices }) {
  useEffect(() => {
    void services.store.start()
    return () => services.store.stop()
  }, [services])
  return (
    <ServicesContext.Provider value={services}>
      <div class={`app view-${services.platform.view}`}>
        <Screens />
      </div>
    </ServicesContext.Provider>
  )
}

function Screens() {
  const { store, platform } = useServices()
  const wallet = useAppState((s) => s.wallet)
  const worker = useAppState((s) => s.worker)
  const sessionWasReady = useAppState((s) => s.sessionWasReady)
  const onboarded = useAppState((s) => s.onboardedHere)
  const route = useRoute()

  // Activity keeps auto-lock from firing while the person is using Parley.
  useEffect(() => {
    if (!wallet || wallet.locked) return
    let last = 0
    const touch = () => {
      const t = Date.now()
      if (t - last < 30_000) return
      last = t
      void store.wallet.touch()
    }
    touch()
    window.addEventListener('keydown', touch)
    window.addEventListener('pointerdown', touch)
    return () => {
      window.removeEventListener('keydown', touch)
      window.removeEventListener('pointerdown', touch)
    }
  }, [wallet?.locked, store])

  if (!wallet) {
    if (worker.state === 'offline') {
      return (
        <main class="screen onboarding">
          <div class="hero">
            <span class="hero-badge bad" aria-hidden="true">!</span>
            <h1>Parley is not answering</h1>
            <p class="lead" role="alert">
              {describeWorker(worker).detail}
            </p>
          </div>
          <div class="actions">
            <button type="button" class="button primary" onClick={() => void store.refresh()}>
              Retry
            </button>
          </div>
        </main>
      )
    }
    return (
      <main class="screen center">
        <Spinner label="Starting Parley" />
      </main>
    )
  }
  if (!wallet.initialized) return <Onboarding />
  if (wallet.locked) return <Unlock />
  // The identity screen is for a first creation only: once the session was ready, or when the
  // person asks for Settings or Accounts, the app shows and a banner carries the session's state.
  const firstSetup = (onboarded || wallet.session.state === 'creating') && wallet.session.state !== 'ready' && !sessionWasReady
  if (firstSetup && route.name !== 'settings' && route.name !== 'accounts') return <IdentitySetup />
  return platform.view === 'tab' ? (
    <TabLayout route={route} />
  ) : (
    <main class="main-landmark">
      <Routed route={route} />
    </main>
  )
}

function Routed({ route }: { route: Route }) {
  // A new screen moves focus to its heading (screen readers announce it), unless a field
  // took focus on purpose (autoFocus).
  const key = route.name === 'conversation' ? route.topic : route.name
  useEffect(() => {
    const active = document.activeElement
    if (active && active !== document.body && active.matches('input, textarea, select')) return
    const heading = document.querySelector<HTMLElement>('.split-main h1, .screen h1')
    if (!heading) return
    heading.tabIndex = -1
    heading.focus({ preventScroll: true })
  }, [key])
  switch (route.name) {
    case 'conversations':
      return <ConversationList tab={route.tab} />
    case 'conversation':
      return <Conversation topic={route.topic} />
    case 'new':
      return <NewConversation />
    case 'accounts':
      return <Accounts />
    case 'settings':
      return <Settings />
  }
}

/** The full tab: the list stays on the left; the right pane shows the route. */
function TabLayout({ route }: { route: Route }) {
  const selected = route.name === 'conversation' ? route.topic : undefined
  const tab = route.name === 'conversations' ? route.tab : 'messages'
  return (
    <div class="split">
      <aside class="split-list">
        <ConversationList tab={tab} {...(selected ? { selectedTopic: selected } : {})} />
      </aside>
      <main class="split-main">
        {route.name === 'conversations' ? (
          <div class="center grow">
            <EmptyState title="Pick a conversation">
              <p>Choose one on the left, or start a new one.</p>
            </EmptyState>
          </div>
        ) : (
          <Routed route={route} />
        )}
      </main>
    </div>
  )
}

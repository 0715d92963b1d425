// Test-only page: the real App over the fake background, chosen by ?scenario=…&view=tab.
import { render } from 'preact'
import { App } from '../App.tsx'
import { AppStore } from '../store/app-store.ts'
import '../styles/base.css'
import '../styles/screens.css'
import '../styles/conversation.css'
import { demoBackground } from './demo-background.ts'
import { FakeBackground } from './fake-background.ts'

const params = new URLSearchParams(location.search)
const view = params.get('view') === 'tab' ? 'tab' : 'popup'
const scenario = params.get('scenario') ?? 'list'
const fake = scenario === 'onboarding' ? new FakeBackground({ view }) : demoBackground({ view, locked: scenario === 'unlock' })
if (scenario === 'identity') {
  fake.session = { state: 'creating', step: 'Publishing your contact bundle' }
}
if (scenario === 'node-down') fake.node = { url: fake.settings.nodeUrl, reachable: false, error: 'connection refused', checkedAt: fake.now }
document.documentElement.dataset.view = view
;(window as unknown as { fake: FakeBackground }).fake = fake
const root = document.getElementById('app')
if (root) render(<App services={{ platform: fake, store: new AppStore(fake), now: () => fake.now }} />, root)

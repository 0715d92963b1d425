import { render } from 'preact'
import { App } from './App.tsx'
import { createBrowserPlatform } from './platform/browser.ts'
import { AppStore } from './store/app-store.ts'
import './styles/base.css'
import './styles/screens.css'
import './styles/conversation.css'

const view = new URLSearchParams(location.search).get('view') === 'tab' ? 'tab' : 'popup'
const platform = createBrowserPlatform(view)
const services = { platform, store: new AppStore(platform), now: () => Date.now() }
document.documentElement.dataset.view = view
const root = document.getElementById('app')
if (root) render(<App services={services} />, root)

// Test-only: renders the real App over a fake background in happy-dom.
import { render } from '@testing-library/preact'
import { App } from '../App.tsx'
import { AppStore } from '../store/app-store.ts'
import type { FakeBackground } from './fake-background.ts'

export function renderApp(fake: FakeBackground, hash = '#/') {
  window.location.hash = hash
  const store = new AppStore(fake)
  const result = render(<App services={{ platform: fake, store, now: () => fake.now }} />)
  return { ...result, store }
}

export function methodsCalled(fake: FakeBackground): string[] {
  return fake.calls.map((c) => c.method)
}

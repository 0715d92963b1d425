import type { ComponentChildren } from 'preact'
import { Icon } from './Icon.tsx'

/** A screen's header: optional back link, title, and actions on the right. */
export function TopBar({ title, back, children }: { title: ComponentChildren; back?: string; children?: ComponentChildren }) {
  return (
    <header class="topbar">
      {back !== undefined && (
        <a class="icon-button" href={back} aria-label="Back" title="Back">
          <Icon name="back" />
        </a>
      )}
      <div class="topbar-title">{title}</div>
      <div class="topbar-actions">{children}</div>
    </header>
  )
}

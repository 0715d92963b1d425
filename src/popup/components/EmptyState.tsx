import type { ComponentChildren } from 'preact'

export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <svg viewBox="0 0 72 64" width="72" height="64" aria-hidden="true">
        <path class="bubble-back" d="M14 6h30a10 10 0 0 1 10 10v14a10 10 0 0 1-10 10H26l-10 8v-8h-2A10 10 0 0 1 4 30V16A10 10 0 0 1 14 6z" />
        <path class="bubble-front" d="M34 22h24a10 10 0 0 1 10 10v10a10 10 0 0 1-10 10h-1v8l-10-8H34a10 10 0 0 1-10-10V32a10 10 0 0 1 10-10z" />
        <circle class="bubble-dot" cx="38" cy="37" r="2.5" />
        <circle class="bubble-dot" cx="46" cy="37" r="2.5" />
        <circle class="bubble-dot" cx="54" cy="37" r="2.5" />
      </svg>
      <p class="empty-title">{title}</p>
      {children && <div class="empty-hint">{children}</div>}
    </div>
  )
}

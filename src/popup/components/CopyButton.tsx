import { useEffect, useState } from 'preact/hooks'
import { Icon } from './Icon.tsx'

/** Copies `text`; the button says so for two seconds (and tells screen readers). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const t = setTimeout(() => setCopied(false), 2000)
    return () => clearTimeout(t)
  }, [copied])
  const copy = async (event: Event) => {
    event.preventDefault()
    event.stopPropagation()
    try {
      await navigator.clipboard.writeText(text)
      setCopied(true)
    } catch {
      setCopied(false)
    }
  }
  return (
    <button type="button" class="icon-button small" aria-label={copied ? 'Copied' : label} title={copied ? 'Copied' : label} onClick={copy}>
      <Icon name={copied ? 'check' : 'copy'} size={14} />
    </button>
  )
}

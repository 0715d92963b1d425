import { useState } from 'preact/hooks'
import { CopyButton } from '../../components/CopyButton.tsx'
import { TopBar } from '../../components/TopBar.tsx'
import { splitPhrase } from '../../lib/phrase.ts'

export function ShowPhrase({ phrase, onBack, onNext }: { phrase: string; onBack: () => void; onNext: () => void }) {
  const [saved, setSaved] = useState(false)
  const words = splitPhrase(phrase)
  return (
    <main class="screen onboarding">
      <TopBar title={<h1>Your recovery phrase</h1>}>
        <button type="button" class="link-button" onClick={onBack}>
          Cancel
        </button>
      </TopBar>
      <div class="screen-body">
        <p class="lead">These {words.length} words are the only way to restore your wallet. Write them down in order and keep them offline. Anyone with them can read and send your messages.</p>
        <ol class="phrase-grid" aria-label="Recovery phrase" data-testid="recovery-phrase">
          {words.map((w, i) => (
            <li key={i}>
              <span class="word-index" aria-hidden="true">
                {i + 1}
              </span>
              <span class="word">{w}</span>
            </li>
          ))}
        </ol>
        <div class="row-between">
          <span class="muted small">Copying puts the phrase on your clipboard.</span>
          <CopyButton text={phrase} label="Copy recovery phrase" />
        </div>
        <label class="check">
          <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.currentTarget.checked)} />
          <span>I have written down my recovery phrase</span>
        </label>
      </div>
      <div class="actions">
        <button type="button" class="button primary" disabled={!saved} onClick={onNext}>
          Continue
        </button>
      </div>
    </main>
  )
}

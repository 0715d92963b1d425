// A message request's choice: accept or block, each said plainly before it happens. Reacting or
// replying in a request asks first too (`asking`): answering tells the stranger their message
// was read and moves the conversation to Messages, so it is never a side effect of a click.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { ConversationView } from '../../extension/views.ts'
import { useServices } from '../context.ts'
import { FormError } from './FormError.tsx'
import { shortAddress } from '../lib/address.ts'
import { navigate } from '../router.ts'
import { errorText } from '../lib/error-sentence.ts'

/** What the person tried in a request: 'react' or 'reply', with what to do once accepted. */
export interface AskedAction {
  kind: 'react' | 'reply'
  run(): void
}

export function RequestBar({ conversation, asking, onCancelAsk }: { conversation: ConversationView; asking: AskedAction | null; onCancelAsk(): void }) {
  const { store } = useServices()
  const [error, setError] = useState<string | null>(null)
  const [confirmBlock, setConfirmBlock] = useState(false)
  const who = shortAddress(conversation.peerAddress)
  // A question that appears takes the focus (on its safe answer, Cancel), so keyboard and
  // screen-reader users land on it; the button that asked may be gone (the reaction picker).
  const cancel = useRef<HTMLButtonElement>(null)
  useEffect(() => cancel.current?.focus(), [confirmBlock, asking])
  const decide = async (state: 'allowed' | 'denied', then?: () => void) => {
    setError(null)
    try {
      await store.conversations.setConsent(conversation, state)
      if (state === 'denied') navigate({ name: 'conversations', tab: 'requests' })
      then?.()
    } catch (e) {
      setError(errorText(e))
    }
  }
  const errorLine = <FormError message={error} />
  if (confirmBlock) {
    return (
      <div class="request-bar" role="alertdialog" aria-labelledby="block-title" aria-describedby="block-text">
        <p id="block-title">
          <strong>
            Block <span class="mono">{who}</span>?
          </strong>
        </p>
        <p id="block-text">Their messages will no longer show, and they get no notice. You can unblock them later in Settings, under Blocked.</p>
        {errorLine}
        <div class="row-gap">
          <button ref={cancel} type="button" class="button secondary" onClick={() => setConfirmBlock(false)}>
            Cancel
          </button>
          <button type="button" class="button primary danger-fill" onClick={() => void decide('denied')}>
            Block
          </button>
        </div>
      </div>
    )
  }
  if (asking) {
    const verb = asking.kind === 'react' ? 'react' : 'reply'
    return (
      <div class="request-bar" role="alertdialog" aria-labelledby="ask-title" aria-describedby="ask-text">
        <p id="ask-title">
          <strong>Accept this request to {verb}?</strong>
        </p>
        <p id="ask-text">
          <span class="mono">{who}</span> will see your {asking.kind === 'react' ? 'reaction' : 'reply'}, and the conversation moves to Messages.
        </p>
        {errorLine}
        <div class="row-gap">
          <button ref={cancel} type="button" class="button secondary" onClick={onCancelAsk}>
            Cancel
          </button>
          <button type="button" class="button primary" onClick={() => void decide('allowed', asking.run)}>
            Accept and {verb}
          </button>
        </div>
      </div>
    )
  }
  return (
    <div class="request-bar" role="region" aria-label="Message request">
      <p>
        <strong class="mono">{who}</strong> wants to message you. Accept to reply; block to stop seeing their messages.
      </p>
      {errorLine}
      <div class="row-gap">
        <button type="button" class="button secondary danger" onClick={() => setConfirmBlock(true)}>
          Block
        </button>
        <button type="button" class="button primary" onClick={() => void decide('allowed')}>
          Accept
        </button>
      </div>
    </div>
  )
}

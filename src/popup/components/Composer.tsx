// The message box: Enter sends, Shift+Enter is a new line; a reply shows what it quotes; the
// paperclip picks a file, shown as a draft (preview, caption, Send, Cancel) before it is sent
// inline (up to the contract's limit).
import { useEffect, useRef, useState } from 'preact/hooks'
import type { ContentInput } from '../../extension/views.ts'
import { MAX_INLINE_ATTACHMENT_BASE64 } from '../../extension/methods/messaging.ts'
import { shortAddress } from '../lib/address.ts'
import { summarize, type BubbleItem } from '../lib/thread.ts'
import { errorText } from '../lib/error-sentence.ts'
import { base64ByteLength } from '../lib/bytes.ts'
import { AttachmentDraft, type DraftFile } from './AttachmentDraft.tsx'
import { Icon } from './Icon.tsx'

export function Composer({ replyTo, onCancelReply, onSend, disabled }: { replyTo: BubbleItem | null; onCancelReply: () => void; onSend: (content: ContentInput) => Promise<void>; disabled?: string | undefined }) {
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const box = useRef<HTMLTextAreaElement>(null)
  const file = useRef<HTMLInputElement>(null)
  const [draft, setDraft] = useState<DraftFile | null>(null)
  const [sendingDraft, setSendingDraft] = useState(false)

  useEffect(() => {
    if (replyTo) box.current?.focus()
  }, [replyTo])

  // Grow with the text up to a few lines.
  useEffect(() => {
    const el = box.current
    if (!el) return
    el.style.height = 'auto'
    el.style.height = `${Math.min(el.scrollHeight, 120)}px`
  }, [text])

  const send = async () => {
    const value = text
    if (value.trim() === '' || disabled) return
    setError(null)
    setText('')
    try {
      await onSend(replyTo ? { type: 'reply', reference: replyTo.message.id, text: value } : { type: 'text', text: value })
      onCancelReply()
    } catch (e) {
      setText(value)
      setError(errorText(e))
    }
  }

  const attach = async (picked: File | undefined) => {
    if (!picked) return
    setError(null)
    const dataBase64 = await readBase64(picked)
    if (dataBase64.length > MAX_INLINE_ATTACHMENT_BASE64) {
      setError(`${picked.name} is too large to send (about 1 MB at most).`)
      return
    }
    setDraft({ filename: picked.name, mimeType: picked.type || 'application/octet-stream', dataBase64, size: base64ByteLength(dataBase64) })
  }

  const sendDraft = async (caption: string) => {
    if (!draft) return
    setSendingDraft(true)
    setError(null)
    try {
      await onSend({ type: 'attachment', filename: draft.filename, mimeType: draft.mimeType, dataBase64: draft.dataBase64 })
      setDraft(null)
      if (caption.trim() !== '') await onSend({ type: 'text', text: caption.trim() })
    } catch (e) {
      setError(errorText(e))
    } finally {
      setSendingDraft(false)
    }
  }

  return (
    <div class="composer">
      {replyTo && (
        <div class="reply-draft">
          <Icon name="reply" size={14} />
          <div class="reply-draft-text">
            <span class="quote-who">Replying to {replyTo.mine ? 'yourself' : shortAddress(replyTo.message.senderAddress)}</span>
            <span class="quote-text">{summarize(replyTo.message.content)}</span>
          </div>
          <button type="button" class="icon-button small" aria-label="Cancel reply" onClick={onCancelReply}>
            <Icon name="close" size={14} />
          </button>
        </div>
      )}
      {draft && <AttachmentDraft file={draft} busy={sendingDraft} onSend={(caption) => void sendDraft(caption)} onCancel={() => setDraft(null)} />}
      {(error || disabled) && (
        <p class="form-error" role="alert">
          {error ?? disabled}
        </p>
      )}
      <div class="composer-row">
        <button type="button" class="icon-button" aria-label="Attach a file" title="Attach a file" disabled={!!disabled} onClick={() => file.current?.click()}>
          <Icon name="clip" />
        </button>
        <input ref={file} type="file" class="visually-hidden" tabIndex={-1} aria-hidden="true" onChange={(e) => { void attach(e.currentTarget.files?.[0]); e.currentTarget.value = '' }} />
        <textarea
          ref={box}
          rows={1}
          aria-label="Message"
          placeholder="Message"
          value={text}
          disabled={!!disabled}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault()
              void send()
            } else if (e.key === 'Escape' && replyTo) {
              onCancelReply()
            }
          }}
        />
        <button type="button" class="send-button" aria-label="Send" title="Send (Enter)" disabled={text.trim() === '' || !!disabled} onClick={() => void send()}>
          <Icon name="send" />
        </button>
      </div>
    </div>
  )
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(file)
  })
}

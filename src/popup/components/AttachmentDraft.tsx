// A chosen file before it is sent: a preview (the image, or the file's name and size), an
// optional caption (sent as a text message right after the file), Send and Cancel.
import { useEffect, useRef, useState } from 'preact/hooks'
import { formatSize } from '../lib/bytes.ts'
import { Icon } from './Icon.tsx'

export interface DraftFile {
  filename: string
  mimeType: string
  dataBase64: string
  size: number
}

const PREVIEWABLE = /^image\/(png|jpe?g|gif|webp|avif)$/i

export function AttachmentDraft({ file, onSend, onCancel, busy }: { file: DraftFile; onSend: (caption: string) => void; onCancel: () => void; busy: boolean }) {
  const [caption, setCaption] = useState('')
  const captionBox = useRef<HTMLInputElement>(null)
  useEffect(() => captionBox.current?.focus(), [])
  return (
    <div class="attachment-draft" role="group" aria-label={`Attachment to send: ${file.filename}`}>
      <div class="draft-preview">
        {PREVIEWABLE.test(file.mimeType) ? (
          <img src={`data:${file.mimeType};base64,${file.dataBase64}`} alt={`Preview of ${file.filename}`} />
        ) : (
          <span class="draft-icon" aria-hidden="true">
            <Icon name="clip" size={20} />
          </span>
        )}
        <span class="draft-text">
          <span class="draft-name">{file.filename}</span>
          <span class="muted small" data-testid="draft-size">
            {formatSize(file.size)}
          </span>
        </span>
      </div>
      <input
        ref={captionBox}
        class="draft-caption"
        type="text"
        aria-label="Caption"
        placeholder="Add a caption (optional)"
        value={caption}
        onInput={(e) => setCaption(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault()
            onSend(caption)
          } else if (e.key === 'Escape') onCancel()
        }}
      />
      <div class="row-gap end">
        <button type="button" class="button secondary small" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="button" class="button primary small" onClick={() => onSend(caption)} disabled={busy}>
          {busy ? 'Sending…' : 'Send'}
        </button>
      </div>
    </div>
  )
}

// Inline attachments (images previewed, other files downloadable) and remote attachments,
// which are fetched and decrypted by the background only when the person asks.
import { useState } from 'preact/hooks'
import type { MessageContentView } from '../../extension/views.ts'
import { attachmentUrlProblem } from '../../extension/attachment-url.ts'
import { useServices } from '../context.ts'
import { base64ByteLength, formatSize } from '../lib/bytes.ts'
import { errorText } from '../lib/error-sentence.ts'
import { Icon } from './Icon.tsx'

type Inline = { filename: string; mimeType: string; dataBase64: string }


export function InlineAttachment({ file }: { file: Inline }) {
  const url = `data:${file.mimeType};base64,${file.dataBase64}`
  if (/^image\/(png|jpe?g|gif|webp|avif)$/i.test(file.mimeType)) {
    return (
      <a class="attachment-image" href={url} download={file.filename} title={file.filename}>
        <img src={url} alt={file.filename} loading="lazy" />
      </a>
    )
  }
  return (
    <a class="attachment-file" href={url} download={file.filename}>
      <Icon name="download" size={16} />
      <span>{file.filename}</span>
      <span class="muted small">{formatSize(base64ByteLength(file.dataBase64))}</span>
    </a>
  )
}

export function RemoteAttachment({ topic, id, content }: { topic: string; id: string; content: Extract<MessageContentView, { type: 'remoteAttachment' }> }) {
  const { store } = useServices()
  const [file, setFile] = useState<Inline | null>(null)
  const [state, setState] = useState<'idle' | 'loading' | 'error'>('idle')
  const [error, setError] = useState('')
  if (file) return <InlineAttachment file={file} />
  const name = content.filename ?? 'Attachment'
  // Links the background would refuse (not https, or a private host) say why up front.
  const refused = attachmentUrlProblem(content.url)
  if (refused) {
    return (
      <div class="attachment-remote" data-refused="true">
        <span class="attachment-file" aria-disabled="true">
          <Icon name="download" size={16} />
          <span>{name}</span>
        </span>
        <p class="field-error">Parley will not download this link: {refused}.</p>
      </div>
    )
  }
  return (
    <div class="attachment-remote">
      <button
        type="button"
        class="attachment-file"
        disabled={state === 'loading'}
        onClick={async () => {
          setState('loading')
          try {
            setFile(await store.conversations.loadAttachment(topic, id))
          } catch (e) {
            setError(errorText(e))
            setState('error')
          }
        }}
      >
        <Icon name="download" size={16} />
        <span>{state === 'loading' ? `Loading ${name}…` : `Load ${name}`}</span>
        {content.contentLength !== undefined && <span class="muted small">{formatSize(content.contentLength)}</span>}
      </button>
      {state === 'error' && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

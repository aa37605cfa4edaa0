import { useId, useLayoutEffect, useRef, useState } from 'react'

export interface NewSecretProps {
  /** "Your new key “Help desk”". */
  title: string
  /** Said before the secret: what it is and where to keep it; "shown only this once" follows. */
  advice: string
  /** The field's name for a screen reader: "The key Help desk". */
  label: string
  secret: string
  copy: (text: string) => Promise<void>
  onDone: () => void
}

// Async, so a browser without the Clipboard API rejects (and the panel says so) instead of throwing.
export const copyToClipboard = async (text: string) => navigator.clipboard.writeText(text)

/** A secret the server answers once (a key, a signing secret): focused and selected, with a copy button. */
export function NewSecret({ title, advice, label, secret, copy, onDone }: NewSecretProps) {
  const [copied, setCopied] = useState<string | null>(null)
  const fieldRef = useRef<HTMLInputElement>(null)
  const id = useId()

  useLayoutEffect(() => {
    fieldRef.current?.focus()
    fieldRef.current?.select()
  }, [secret])

  return (
    <section className="console-new-key" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p>Copy it now: it will not be shown again. {advice}</p>
      <div className="console-new-key__row">
        <input ref={fieldRef} type="text" readOnly aria-label={label} spellCheck={false} value={secret} />
        <button
          type="button"
          className="console-button console-button--primary"
          onClick={() =>
            void copy(secret).then(
              () => setCopied('Copied to the clipboard.'),
              () => setCopied('The browser did not allow copying: select it and copy it by hand.'),
            )
          }
        >
          Copy
        </button>
        <button type="button" className="console-button" onClick={onDone}>
          Done
        </button>
      </div>
      <p role="status" className="console-muted console-status">
        {copied}
      </p>
    </section>
  )
}

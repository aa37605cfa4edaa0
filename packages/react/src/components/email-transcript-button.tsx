import { useState } from 'react'
import { useConversation } from '../hooks/use-conversation.js'
import { useIdentity } from '../hooks/use-identity.js'
import { describeError } from '../i18n/describe-error.js'
import { useI18n } from '../i18n/i18n-context.js'
import { MailIcon } from '../parts/icons.js'
import { useThreadlineClient } from '../provider/client-context.js'

/**
 * "Email me this conversation" (N3): for a customer whose email is verified, once there is a
 * conversation and the backend can send it. The outcome is read out by a live region; the server
 * limits how often it may be asked.
 */
export function EmailTranscriptButton() {
  const client = useThreadlineClient()
  const i18n = useI18n()
  const { t } = i18n
  const { customer } = useIdentity()
  const conversation = useConversation()
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  const email = customer?.emailVerified ? customer.email : null
  if (!client.canEmailTranscript || email === null || conversation === null) return null

  async function send(): Promise<void> {
    setBusy(true)
    const result = await client.emailTranscript()
    setBusy(false)
    setNotice(result.ok ? t('transcriptSent', { email: email ?? '' }) : describeError(result.error, i18n))
  }

  return (
    <>
      <button
        type="button"
        className="tl-icon-button tl-header__transcript"
        aria-label={t('emailTranscript')}
        title={t('emailTranscript')}
        disabled={busy}
        onClick={() => void send()}
      >
        <MailIcon />
      </button>
      <span className="tl-visually-hidden" role="status">
        {notice}
      </span>
    </>
  )
}

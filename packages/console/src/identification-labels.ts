import type { CodeOutcome, Conversation, IdentificationStatus } from '@threadline/protocol'

export const identificationNames: Record<IdentificationStatus, string> = {
  identified: 'Identified',
  not_identified: 'Not identified',
}

/** The last code pasted into the conversation, as the list and the panel say it. */
export const codeOutcomeNames: Record<CodeOutcome, string> = {
  not_sent: 'No code sent',
  invalid: 'Wrong code',
  valid: 'Code accepted',
}

export interface Badge {
  label: string
  /** For the colour only; the label says it all. */
  tone: 'positive' | 'neutral' | 'warning'
}

/**
 * What the list row shows beside the name: the identification, and the last code only when one
 * was pasted (most conversations never see one; "No code sent" on every row would be noise).
 */
export function identificationBadges(conversation: Conversation): Badge[] {
  const identified = conversation.identification === 'identified'
  const badges: Badge[] = [
    { label: identificationNames[conversation.identification], tone: identified ? 'positive' : 'neutral' },
  ]
  if (conversation.lastCodeOutcome === 'invalid') badges.push({ label: codeOutcomeNames.invalid, tone: 'warning' })
  if (conversation.lastCodeOutcome === 'valid') badges.push({ label: codeOutcomeNames.valid, tone: 'positive' })
  return badges
}

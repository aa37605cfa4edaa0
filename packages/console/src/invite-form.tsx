import type { AdvisorRole } from '@threadline/protocol'
import { useId, useState } from 'react'
import type { FormEvent } from 'react'
import type { TeamClient } from '@threadline/api'
import { ErrorAlert } from './error-alert.js'
import { assignableRoles, roleLabels } from './team-labels.js'
import { useAction } from './use-action.js'

export interface InviteFormProps {
  team: TeamClient
  /** The inviter's role: it decides which roles they may give. */
  role: AdvisorRole
  onInvited: () => void
}

/** Email, name and role; the server mails the invitee the console link, where they sign in with a code. */
export function InviteForm({ team, role, onInvited }: InviteFormProps) {
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [inviteRole, setInviteRole] = useState<AdvisorRole>('advisor')
  const { busy, failure, setFailure, run } = useAction()
  const [done, setDone] = useState<string | null>(null)
  const id = useId()

  function submit(event: FormEvent): void {
    event.preventDefault()
    setDone(null)
    if (email.trim() === '' || name.trim() === '') {
      setFailure('Enter the email and the name of the person to invite.')
      return
    }
    void run(async () => {
      const invited = await team.invite({ email: email.trim(), name: name.trim(), role: inviteRole })
      setDone(
        `${invited.name} is on the team as ${roleLabels[invited.role].toLowerCase()}: an email with the console link is on its way.`,
      )
      setEmail('')
      setName('')
      setInviteRole('advisor')
      onInvited()
    })
  }

  return (
    <form className="console-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Invite someone</h3>
      <div className="console-form__fields">
        <label>
          Email
          <input
            type="email"
            autoComplete="off"
            spellCheck={false}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label>
          Name
          <input type="text" autoComplete="off" value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          Role
          <select value={inviteRole} onChange={(event) => setInviteRole(event.target.value as AdvisorRole)}>
            {assignableRoles(role).map((candidate) => (
              <option key={candidate} value={candidate}>
                {roleLabels[candidate]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <button type="submit" className="console-button console-button--primary" disabled={busy}>
        {busy ? 'Inviting…' : 'Send invitation'}
      </button>
      <ErrorAlert error={failure} />
      <p role="status" className="console-muted console-status">
        {done}
      </p>
    </form>
  )
}

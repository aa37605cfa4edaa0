import type { SettablePresenceStatus } from '@threadline/protocol'
import { settablePresenceStatuses } from '@threadline/protocol'
import { useId } from 'react'
import type { OwnPresence } from './use-own-presence.js'
import { presenceLabels } from './team-labels.js'

/** "Status: Online / Away" in the header; teammates see it in their team list. */
export function PresenceSwitch({ presence }: { presence: OwnPresence }) {
  const id = useId()
  return (
    <div className="console-presence-switch">
      <span className="console-presence" data-presence={presence.status}>
        <span className="console-presence__dot" aria-hidden />
      </span>
      <label htmlFor={`${id}-status`}>Status</label>
      <select
        id={`${id}-status`}
        value={presence.status}
        aria-describedby={presence.error ? `${id}-error` : undefined}
        onChange={(event) => presence.setStatus(event.target.value as SettablePresenceStatus)}
      >
        {settablePresenceStatuses.map((status) => (
          <option key={status} value={status}>
            {presenceLabels[status]}
          </option>
        ))}
      </select>
      {presence.error && (
        <span id={`${id}-error`} role="alert" className="console-presence-switch__error">
          {presence.error}
        </span>
      )}
    </div>
  )
}

import type { ConsoleSession } from '@threadline/protocol'
import { useId, useState } from 'react'
import type { ConsoleClient } from '@threadline/api'
import { describeError } from './describe-error.js'

export interface WorkspaceSwitchProps {
  client: ConsoleClient
  session: ConsoleSession
  onSwitched: (session: ConsoleSession) => void
}

/** Which workspace the console shows; for an email on several teams a picker, switched without a new code. */
export function WorkspaceSwitch({ client, session, onSwitched }: WorkspaceSwitchProps) {
  const [error, setError] = useState<string | null>(null)
  const id = useId()
  // One team: its name, so the advisor always knows whose chats these are.
  if (session.workspaces.length < 2) return <p className="console-workspace-name">{session.workspace.name}</p>
  return (
    <div className="console-presence-switch">
      <label htmlFor={`${id}-workspace`}>Workspace</label>
      <select
        id={`${id}-workspace`}
        value={session.workspace.id}
        onChange={(event) => {
          setError(null)
          client.switchWorkspace({ workspaceId: event.target.value }).then(onSwitched, (failure: unknown) => {
            setError(describeError(failure))
          })
        }}
      >
        {session.workspaces.map((workspace) => (
          <option key={workspace.id} value={workspace.id}>
            {workspace.name}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="console-presence-switch__error">
          {error}
        </span>
      )}
    </div>
  )
}

import { apiKeyScopes } from '@threadline/protocol'
import type { ApiKeyScope, CreatedApiKey } from '@threadline/protocol'
import { useId, useState } from 'react'
import type { FormEvent } from 'react'
import type { TeamClient } from '@threadline/api'
import { ConfirmButton } from './confirm-button.js'
import { ErrorAlert } from './error-alert.js'
import { formatTime } from './format-time.js'
import { NewSecret, copyToClipboard } from './new-secret.js'
import { scopeLabels } from './team-labels.js'
import { useAction } from './use-action.js'
import { useServerData } from './use-server-data.js'

export interface ApiKeysPanelProps {
  team: TeamClient
  /** Writes the new key to the clipboard; `navigator.clipboard` by default. */
  copy?: (text: string) => Promise<void>
  /** Where focus goes when the control that had it is gone (a revoked key's button, the new key). */
  onFocusLost: () => void
}

/**
 * Keys for integrations and bots (owners and admins only): create one with a name and a scope, see
 * it once with a copy button, list them with their last use, revoke one. The key itself is never
 * listed again: the server keeps only a keyed hash (H5).
 */
export function ApiKeysPanel({ team, copy = copyToClipboard, onFocusLost }: ApiKeysPanelProps) {
  const { data: keys, error, reload, change } = useServerData((signal) => team.listKeys({ signal }))
  const [created, setCreated] = useState<CreatedApiKey | null>(null)

  async function revoke(keyId: string): Promise<void> {
    await change(() => team.revokeKey({ keyId }))
    onFocusLost()
  }

  return (
    <div className="console-settings__panel">
      <CreateKeyForm
        team={team}
        onCreated={(key) => {
          setCreated(key)
          reload()
        }}
      />
      {created && (
        <NewSecret
          title={`Your new key “${created.key.name}”`}
          advice="Keep it where your integration keeps secrets."
          label={`The key ${created.key.name}`}
          secret={created.secret}
          copy={copy}
          onDone={() => {
            setCreated(null)
            onFocusLost()
          }}
        />
      )}
      <ErrorAlert error={error} />
      <div className="console-table-wrap">
        <table className="console-table">
          <caption>API keys ({keys?.length ?? '…'})</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Starts with</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys?.map((key) => (
              <tr key={key.id} data-revoked={key.revokedAt ? '' : undefined}>
                <th scope="row">
                  <span className="console-table__stack">
                    {key.name}
                    <span className="console-muted">Created {formatTime(key.createdAt)}</span>
                  </span>
                </th>
                <td>{scopeLabels[key.scope].name}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{key.lastUsedAt ? formatTime(key.lastUsedAt) : 'Never'}</td>
                <td>
                  {key.revokedAt ? (
                    `Revoked ${formatTime(key.revokedAt)}`
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      name={`Revoke the key ${key.name}`}
                      question={`Revoke the key ${key.name}?`}
                      detail="Anything using it fails from its next request on; its open event streams end."
                      confirmLabel="Revoke key"
                      onConfirm={() => revoke(key.id)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

function CreateKeyForm({ team, onCreated }: { team: TeamClient; onCreated: (key: CreatedApiKey) => void }) {
  const [name, setName] = useState('')
  const [scope, setScope] = useState<ApiKeyScope>('agent')
  const { busy, failure, setFailure, run } = useAction()
  const id = useId()

  function submit(event: FormEvent): void {
    event.preventDefault()
    if (name.trim() === '') {
      setFailure('Name the key after what will use it, such as "Help desk sync".')
      return
    }
    void run(async () => {
      onCreated(await team.createKey({ name: name.trim(), scope }))
      setName('')
    })
  }

  return (
    <form className="console-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Create a key</h3>
      <div className="console-form__fields">
        <label>
          Name
          <input type="text" autoComplete="off" value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          Scope
          <select value={scope} onChange={(event) => setScope(event.target.value as ApiKeyScope)}>
            {apiKeyScopes.map((candidate) => (
              <option key={candidate} value={candidate}>
                {scopeLabels[candidate].name}: {scopeLabels[candidate].description}
              </option>
            ))}
          </select>
        </label>
      </div>
      <button type="submit" className="console-button console-button--primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create key'}
      </button>
      <ErrorAlert error={failure} />
    </form>
  )
}

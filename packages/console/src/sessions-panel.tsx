import type { ConsoleClient } from '@threadline/api'
import { ConfirmButton } from './confirm-button.js'
import { describeDevice } from './describe-device.js'
import { ErrorAlert } from './error-alert.js'
import { formatTime } from './format-time.js'
import { useServerData } from './use-server-data.js'

export interface SessionsPanelProps {
  client: ConsoleClient
  /** Signs this device out (`here`) or every device (`everywhere`); the console then shows the sign-in screen. */
  onSignOut: (scope: 'here' | 'everywhere') => void
  /** Where focus goes when the control that had it is gone (an ended session's row). */
  onFocusLost: () => void
}

/**
 * Where this email is signed in: each device with its browser, when it signed in and was last seen,
 * this one marked. Another device can be ended (its open console loses access at once, H2); this
 * one signs out; "Sign out everywhere" ends them all.
 */
export function SessionsPanel({ client, onSignOut, onFocusLost }: SessionsPanelProps) {
  const { data: sessions, error, change } = useServerData((signal) => client.listSessions({ signal }))

  async function end(sessionId: string): Promise<void> {
    await change(() => client.endSession({ sessionId }))
    onFocusLost()
  }

  return (
    <div className="console-settings__panel">
      <ErrorAlert error={error} />
      <ul className="console-sessions" aria-label="Signed-in devices">
        {sessions?.map((session) => {
          const device = describeDevice(session.userAgent)
          return (
            <li key={session.id} className="console-sessions__item">
              <div>
                <p className="console-sessions__device">
                  {device}
                  {session.current && <span className="console-badge">This device</span>}
                </p>
                <p className="console-muted">
                  Signed in {formatTime(session.createdAt)} · last seen {formatTime(session.lastSeenAt)}
                </p>
              </div>
              {session.current ? (
                <button type="button" className="console-button" onClick={() => onSignOut('here')}>
                  Sign out
                </button>
              ) : (
                <ConfirmButton
                  label="Sign out"
                  name={`Sign out ${device}, signed in ${formatTime(session.createdAt)}`}
                  question={`Sign out ${device}?`}
                  detail="A console open there loses access at once."
                  confirmLabel="Sign it out"
                  onConfirm={() => end(session.id)}
                />
              )}
            </li>
          )
        })}
      </ul>
      <div>
        <ConfirmButton
          label="Sign out everywhere"
          question="Sign out on every device, this one included?"
          detail="Every open console of yours loses access at once; you sign in again with an emailed code."
          confirmLabel="Sign out everywhere"
          onConfirm={async () => onSignOut('everywhere')}
        />
      </div>
    </div>
  )
}

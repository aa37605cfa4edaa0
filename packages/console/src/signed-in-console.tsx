import type { ConsoleSession } from '@threadline/protocol'
import { useEffect, useRef, useState } from 'react'
import type { ConsoleClient } from '@threadline/api'
import { AttachmentsContext } from './attachments-context.js'
import type { Command } from './command-palette.js'
import { Inbox } from './inbox.js'
import { PresenceSwitch } from './presence-switch.js'
import { SettingsDialog } from './settings-dialog.js'
import { settingsSections } from './settings-sections.js'
import type { SettingsSection } from './settings-sections.js'
import { useOwnPresence } from './use-own-presence.js'
import { useWorkspaceWatch } from './use-workspace-watch.js'
import { WorkspaceSwitch } from './workspace-switch.js'
import './settings.css'

export interface SignedInConsoleProps {
  client: ConsoleClient
  session: ConsoleSession
  /** The session changed (another workspace, a role read again). */
  onSessionChange: (session: ConsoleSession) => void
  onSignOut: (scope: 'here' | 'everywhere') => void
  /** The event stream was refused: the session ended or the advisor left the team. */
  onAccessEnded: () => void
}

/**
 * The inbox with the signed-in advisor's own controls in its header (workspace, presence, "Team
 * and settings") and palette, and the settings dialog over it.
 */
export function SignedInConsole({ client, session, onSessionChange, onSignOut, onAccessEnded }: SignedInConsoleProps) {
  const [settings, setSettings] = useState<SettingsSection | null>(null)
  const { advisor } = session
  const presence = useOwnPresence(client.team, advisor.id)
  const agentApi = useWorkspaceWatch(client, session, onSessionChange)

  // Opening the settings reads the session again: a role changed meanwhile shows the right controls.
  const settingsOpen = settings !== null
  const latest = useRef({ role: advisor.role, onSessionChange })
  latest.current = { role: advisor.role, onSessionChange }
  useEffect(() => {
    if (!settingsOpen) return
    const controller = new AbortController()
    client.getSession({ signal: controller.signal }).then(
      (fresh) => {
        if (fresh.advisor.role !== latest.current.role) latest.current.onSessionChange(fresh)
      },
      () => undefined,
    )
    return () => controller.abort()
  }, [settingsOpen, client])

  const commands = (): Command[] => [
    ...settingsSections(advisor.role).map((section) => ({
      id: `settings-${section.id}`,
      label: `Open ${section.label}`,
      hint: 'Team and settings',
      run: () => setSettings(section.id),
    })),
    presence.status === 'away'
      ? { id: 'presence-online', label: 'Set my status to online', run: () => presence.setStatus('online') }
      : { id: 'presence-away', label: 'Set my status to away', run: () => presence.setStatus('away') },
  ]

  return (
    <>
      <AttachmentsContext value={client.attachments}>
        <Inbox
          api={agentApi}
          blocks={client.blocks}
          records={client.records}
          agent={{ id: advisor.id, name: advisor.name, avatarUrl: advisor.avatarUrl }}
          workspaceName={session.workspace.name}
          onSignOut={() => onSignOut('here')}
          onAccessEnded={onAccessEnded}
          headerActions={
            <>
              <WorkspaceSwitch client={client} session={session} onSwitched={onSessionChange} />
              <PresenceSwitch presence={presence} />
              <button type="button" className="console-button" onClick={() => setSettings('team')}>
                Team and settings
              </button>
            </>
          }
          extraCommands={commands}
        />
      </AttachmentsContext>
      {settings !== null && (
        // Outside the inbox's root, so the theme's properties are set again here.
        <div className="console-overlay tl-root">
          <SettingsDialog
            client={client}
            session={session}
            section={settings}
            onSectionChange={setSettings}
            onSignOut={onSignOut}
            onClose={() => setSettings(null)}
          />
        </div>
      )}
    </>
  )
}

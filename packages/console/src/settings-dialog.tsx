import type { ConsoleSession } from '@threadline/protocol'
import { useId, useLayoutEffect, useRef } from 'react'
import type { KeyboardEvent } from 'react'
import type { ConsoleClient } from '@threadline/api'
import { ApiKeysPanel } from './api-keys-panel.js'
import type { AutomationPanelProps } from './automation-panel.js'
import { ChatHoursPanel } from './chat-hours-panel.js'
import { Modal } from './modal.js'
import { SessionsPanel } from './sessions-panel.js'
import { settingsSections } from './settings-sections.js'
import type { SettingsSection } from './settings-sections.js'
import { TeamPanel } from './team-panel.js'
import { useLazyChunk } from './use-lazy-chunk.js'
import { WebhooksPanel } from './webhooks-panel.js'

export interface SettingsDialogProps {
  client: ConsoleClient
  session: ConsoleSession
  section: SettingsSection
  onSectionChange: (section: SettingsSection) => void
  onSignOut: (scope: 'here' | 'everywhere') => void
  onClose: () => void
}

/**
 * Team, API keys, Chat and hours, Webhooks, Automation and My sessions in one dialog over the inbox, whose stream keeps running behind it.
 * The sections are ARIA tabs (arrow keys, Home, End); Escape or Close goes back to the inbox.
 */
export function SettingsDialog({ client, session, section, onSectionChange, onSignOut, onClose }: SettingsDialogProps) {
  const sections = settingsSections(session.advisor.role)
  const current = sections.find((candidate) => candidate.id === section) ?? sections[0]
  const id = useId()
  const tabsRef = useRef<HTMLDivElement>(null)
  const panelRef = useRef<HTMLDivElement>(null)
  const tabId = (candidate: SettingsSection) => `${id}-tab-${candidate}`

  // Opened on a section (from the palette): focus its tab, so arrow keys move on from there.
  useLayoutEffect(() => {
    tabsRef.current?.querySelector<HTMLButtonElement>('[aria-selected="true"]')?.focus()
  }, [])

  function onTabKeyDown(event: KeyboardEvent<HTMLButtonElement>, index: number): void {
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: sections.length - 1 }[event.key]
    if (next === undefined) return
    event.preventDefault()
    const target = sections[(next + sections.length) % sections.length]
    if (!target) return
    onSectionChange(target.id)
    tabsRef.current?.querySelectorAll<HTMLButtonElement>('[role="tab"]')[sections.indexOf(target)]?.focus()
  }

  return (
    <Modal label="Team and settings" onClose={onClose} className="console-settings">
      <div className="console-settings__header">
        <h2>Team and settings</h2>
        <button type="button" className="console-button" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="console-tabs" role="tablist" aria-label="Settings" ref={tabsRef}>
        {sections.map((candidate, index) => {
          const selected = candidate.id === current?.id
          return (
            <button
              key={candidate.id}
              id={tabId(candidate.id)}
              type="button"
              role="tab"
              aria-selected={selected}
              aria-controls={`${id}-panel`}
              tabIndex={selected ? 0 : -1}
              className="console-tab"
              onClick={() => onSectionChange(candidate.id)}
              onKeyDown={(event) => onTabKeyDown(event, index)}
            >
              {candidate.label}
            </button>
          )
        })}
      </div>
      <div
        id={`${id}-panel`}
        ref={panelRef}
        role="tabpanel"
        aria-labelledby={current ? tabId(current.id) : undefined}
        tabIndex={-1}
        className="console-settings__body"
      >
        {current?.id === 'team' && (
          <TeamPanel team={client.team} session={session} onFocusLost={() => panelRef.current?.focus()} />
        )}
        {current?.id === 'keys' && <ApiKeysPanel team={client.team} onFocusLost={() => panelRef.current?.focus()} />}
        {current?.id === 'hours' && <ChatHoursPanel team={client.team} />}
        {current?.id === 'webhooks' && (
          <WebhooksPanel webhooks={client.webhooks} onFocusLost={() => panelRef.current?.focus()} />
        )}
        {current?.id === 'automation' && (
          <LazyAutomationPanel
            automation={client.automation}
            team={client.team}
            onOpenKeys={() => onSectionChange('keys')}
          />
        )}
        {current?.id === 'sessions' && (
          <SessionsPanel client={client} onSignOut={onSignOut} onFocusLost={() => panelRef.current?.focus()} />
        )}
      </div>
    </Modal>
  )
}

/** The Automation section: a chunk of its own, downloaded when an owner or admin first opens it. */
function LazyAutomationPanel(props: AutomationPanelProps) {
  const Panel = useLazyChunk(() => import('./automation-panel.js'))
  if (Panel === 'failed')
    return (
      <p role="alert" className="console-error">
        The Automation settings could not be loaded. Check your connection and open them again.
      </p>
    )
  return Panel ? <Panel {...props} /> : <p role="status">Loading the automation settings…</p>
}

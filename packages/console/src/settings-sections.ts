import type { AdvisorRole } from '@threadline/protocol'
import { managesTeam } from './team-labels.js'

export type SettingsSection = 'team' | 'keys' | 'hours' | 'webhooks' | 'automation' | 'sessions'

export interface SettingsSectionInfo {
  id: SettingsSection
  label: string
}

/**
 * The settings an advisor can open: API keys, the chat's mode and hours, webhooks and automation only for owners and admins
 * (the server refuses others, H4).
 */
export function settingsSections(role: AdvisorRole): SettingsSectionInfo[] {
  return [
    { id: 'team', label: 'Team' },
    ...(managesTeam(role)
      ? [
          { id: 'keys' as const, label: 'API keys' },
          { id: 'hours' as const, label: 'Chat and hours' },
          { id: 'webhooks' as const, label: 'Webhooks' },
          { id: 'automation' as const, label: 'Automation' },
        ]
      : []),
    { id: 'sessions', label: 'My sessions' },
  ]
}

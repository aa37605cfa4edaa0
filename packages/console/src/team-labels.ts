import type { AdvisorRole, ApiKeyScope, PresenceStatus } from '@threadline/protocol'

export const roleLabels: Record<AdvisorRole, string> = { owner: 'Owner', admin: 'Admin', advisor: 'Advisor' }

export const presenceLabels: Record<PresenceStatus, string> = { online: 'Online', away: 'Away', offline: 'Offline' }

export const scopeLabels: Record<ApiKeyScope, { name: string; description: string }> = {
  agent: { name: 'Agent', description: 'answers conversations through the agent API' },
  bot: { name: 'Bot', description: 'an automated assistant that hands over to advisors' },
  admin: { name: 'Admin', description: 'can also run the team and its keys' },
}

/** Owners and admins run the team and its keys (the server checks it again, H4). */
export function managesTeam(role: AdvisorRole): boolean {
  return role === 'owner' || role === 'admin'
}

/** The roles this advisor may give: only an owner makes another owner. */
export function assignableRoles(role: AdvisorRole): AdvisorRole[] {
  return role === 'owner' ? ['advisor', 'admin', 'owner'] : ['advisor', 'admin']
}

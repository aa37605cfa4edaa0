import type { ChatSettings, ChatSettingsResponse } from '../schemas/availability.js'
import type {
  ApiKeyResponse,
  ApiKeysResponse,
  ChangeRoleRequest,
  CreateApiKeyRequest,
  CreatedApiKey,
  InviteAdvisorRequest,
  PresenceRequest,
  TeamMemberResponse,
  TeamResponse,
} from '../schemas/team.js'
import type { RouteTable } from './route.js'

const routes = {
  /** Every advisor of the workspace with role and presence; any teammate may read it. */
  listTeam: { method: 'GET', path: '/v1/agent/team', auth: 'agent' },
  /** Owner or admin (an `admin`-scope key): adds the advisor and mails them the console link. */
  invite: { method: 'POST', path: '/v1/agent/team/invite', auth: 'agent' },
  changeRole: { method: 'POST', path: '/v1/agent/team/:id/role', auth: 'agent' },
  /** Ends the advisor's sessions, keys and streams at once; their past messages keep their name. */
  remove: { method: 'POST', path: '/v1/agent/team/:id/remove', auth: 'agent' },
  setPresence: { method: 'POST', path: '/v1/agent/me/presence', auth: 'agent' },
  listKeys: { method: 'GET', path: '/v1/agent/keys', auth: 'agent' },
  /** The answer carries the key once; it is stored hashed. */
  createKey: { method: 'POST', path: '/v1/agent/keys', auth: 'agent' },
  revokeKey: { method: 'POST', path: '/v1/agent/keys/:id/revoke', auth: 'agent' },
  /** The chat mode, schedule and what customers see now; any teammate may read it. */
  getChatSettings: { method: 'GET', path: '/v1/agent/chat-settings', auth: 'agent' },
  /** Owner or admin (H4): replaces the override and the schedule. */
  setChatSettings: { method: 'PUT', path: '/v1/agent/chat-settings', auth: 'agent' },
} as const

/**
 * The team and its keys, part of the agent API (key or console cookie). Changing anything needs an
 * owner or admin; a key needs the `admin` scope as well.
 */
export const teamRoutes: RouteTable<
  typeof routes,
  {
    listTeam: { response: TeamResponse }
    invite: { body: InviteAdvisorRequest; response: TeamMemberResponse }
    changeRole: { body: ChangeRoleRequest; response: TeamMemberResponse }
    remove: object
    setPresence: { body: PresenceRequest }
    listKeys: { response: ApiKeysResponse }
    createKey: { body: CreateApiKeyRequest; response: CreatedApiKey }
    revokeKey: { response: ApiKeyResponse }
    getChatSettings: { response: ChatSettingsResponse }
    setChatSettings: { body: ChatSettings; response: ChatSettingsResponse }
  }
> = routes

export type TeamRoutes = typeof teamRoutes
export type TeamRouteName = keyof TeamRoutes

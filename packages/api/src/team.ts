import { teamRoutes } from '@threadline/protocol'
import type {
  AdvisorRole,
  ApiKey,
  ChatSettings,
  ChatSettingsResponse,
  CreateApiKeyRequest,
  CreatedApiKey,
  InviteAdvisorRequest,
  SettablePresenceStatus,
  TeamMember,
} from '@threadline/protocol'
import { createHttpClient } from './http-client.js'
import type { CallOptions, HttpClient } from './http-client.js'
import type { AgentClientOptions } from './create-agent-client.js'

export type InviteAdvisorOptions = InviteAdvisorRequest & CallOptions
export interface ChangeRoleOptions extends CallOptions {
  advisorId: string
  role: AdvisorRole
}
export interface RemoveAdvisorOptions extends CallOptions {
  advisorId: string
}
export interface SetPresenceOptions extends CallOptions {
  /** `away` shows the advisor as away while their console is open; `online` clears it. */
  status: SettablePresenceStatus
}
export type CreateKeyOptions = CreateApiKeyRequest & CallOptions
export type SetChatSettingsOptions = ChatSettings & CallOptions
export interface RevokeKeyOptions extends CallOptions {
  keyId: string
}

/**
 * The team and its API keys (`teamRoutes`). Any teammate may list the team and set their own
 * presence; everything else needs an owner or admin, and through a key the `admin` scope: anyone
 * else gets a 403 `forbidden` ApiError and nothing changes.
 */
export interface TeamClient {
  /** Every advisor of the workspace with role and presence (`online`, `away`, `offline`). */
  listAdvisors(options?: CallOptions): Promise<TeamMember[]>
  /** Adds the advisor (or brings back one who left) and mails them the console link. Only an owner invites an owner. */
  invite(options: InviteAdvisorOptions): Promise<TeamMember>
  /** Only an owner makes another owner; the last owner cannot be demoted. */
  changeRole(options: ChangeRoleOptions): Promise<TeamMember>
  /** Their sessions, keys and streams end at once; their past messages keep their name. */
  remove(options: RemoveAdvisorOptions): Promise<void>
  /** The caller's own presence. */
  setPresence(options: SetPresenceOptions): Promise<void>
  /** Every key of the workspace, revoked ones included, by prefix: never the key itself. */
  listKeys(options?: CallOptions): Promise<ApiKey[]>
  /** The one answer that carries the key (`secret`): show it once, it is stored hashed. */
  createKey(options: CreateKeyOptions): Promise<CreatedApiKey>
  /** The key fails from its next request on, and its open event streams end. */
  revokeKey(options: RevokeKeyOptions): Promise<ApiKey>
  /** The chat mode's override and schedule, and what customers see now; any teammate may read them. */
  getChatSettings(options?: CallOptions): Promise<ChatSettingsResponse>
  /** Replaces the override and the schedule (owners and admins); open chats hear of it at once. */
  setChatSettings(options: SetChatSettingsOptions): Promise<ChatSettingsResponse>
}

/** The team client for a bot or tool holding an `admin`-scope key (listing and presence work with any key). */
export function createTeamClient({ baseUrl = '', agentKey, fetch, timeoutMs }: AgentClientOptions): TeamClient {
  return teamClientOver(
    createHttpClient({ baseUrl, headers: { authorization: `Bearer ${agentKey}` }, fetch, timeoutMs }),
  )
}

/** The team routes over any credential: a key's header, or the console session's cookie. */
export function teamClientOver(http: HttpClient): TeamClient {
  return {
    async listAdvisors({ signal } = {}) {
      return (await http.request(teamRoutes.listTeam, { signal })).advisors
    },
    async invite({ signal, email, name, role }) {
      return (await http.request(teamRoutes.invite, { signal, body: { email, name, role } })).advisor
    },
    async changeRole({ signal, advisorId, role }) {
      return (await http.request(teamRoutes.changeRole, { signal, params: { id: advisorId }, body: { role } })).advisor
    },
    async remove({ signal, advisorId }) {
      await http.request(teamRoutes.remove, { signal, params: { id: advisorId } })
    },
    async setPresence({ signal, status }) {
      await http.request(teamRoutes.setPresence, { signal, body: { status } })
    },
    getChatSettings: ({ signal } = {}) => http.request(teamRoutes.getChatSettings, { signal }),
    setChatSettings: ({ signal, override, schedule }) =>
      http.request(teamRoutes.setChatSettings, { signal, body: { override, schedule } }),
    async listKeys({ signal } = {}) {
      return (await http.request(teamRoutes.listKeys, { signal })).keys
    },
    createKey: ({ signal, name, scope }) => http.request(teamRoutes.createKey, { signal, body: { name, scope } }),
    async revokeKey({ signal, keyId }) {
      return (await http.request(teamRoutes.revokeKey, { signal, params: { id: keyId } })).key
    },
  }
}

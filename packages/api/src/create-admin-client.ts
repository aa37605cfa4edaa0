import { adminRoutes, workspaceHeader } from '@threadline/protocol'
import type {
  Account,
  ChatSettings,
  ChatSettingsResponse,
  AccountUpdateRequest,
  AdminCreateApiKeyRequest,
  AdminMintCodeRequest,
  AdminProactiveMessageRequest,
  CreatedApiKey,
  IdentificationCodeResponse,
  InviteAdvisorRequest,
  ProactiveMessageResponse,
  TeamMember,
  WorkspaceSettings,
  WorkspaceSettingsUpdate,
} from '@threadline/protocol'
import { createHttpClient } from './http-client.js'
import type { CallOptions, FetchFunction } from './http-client.js'

export interface AdminClientOptions {
  /** Where the server lives, e.g. `https://chat.example.com`. */
  baseUrl: string
  workspaceId: string
  /** The workspace secret (the one its backend signs identity tokens with). Server to server only: never ship it to a browser. */
  secret: string
  fetch?: FetchFunction
  timeoutMs?: number
}

export type MintIdentificationCodeOptions = AdminMintCodeRequest & CallOptions
export interface VerifyIdentificationCodeOptions extends CallOptions {
  /** Grouped or not, any case: `K7QM-4XPT`. It is used up. */
  code: string
}
export type UpdateAccountOptions = AccountUpdateRequest & CallOptions & { externalId: string }
export type UpdateWorkspaceOptions = WorkspaceSettingsUpdate & CallOptions
export type AdminInviteAdvisorOptions = InviteAdvisorRequest & CallOptions
export interface AdminRemoveAdvisorOptions extends CallOptions {
  advisorId: string
}
/** Without `advisorId` the key belongs to the workspace's first owner. */
export type AdminCreateKeyOptions = AdminCreateApiKeyRequest & CallOptions
/** `to` by external id or verified email; without `fromAdvisorId` the workspace's first owner writes. */
export type AdminSendProactiveMessageOptions = AdminProactiveMessageRequest & CallOptions

export interface AdminClient {
  /** A code for the account, valid five minutes, that its user pastes into any chat. Creates or refreshes the account. */
  mintIdentificationCode(options: MintIdentificationCodeOptions): Promise<IdentificationCodeResponse>
  /** The account a code a customer gave another channel belongs to. */
  verifyIdentificationCode(options: VerifyIdentificationCodeOptions): Promise<Account>
  /** `null` clears a field; an attribute set to `null` is removed. */
  updateAccount(options: UpdateAccountOptions): Promise<Account>
  getWorkspace(options?: CallOptions): Promise<WorkspaceSettings>
  updateWorkspace(options: UpdateWorkspaceOptions): Promise<WorkspaceSettings>
  /** The team with roles and presence. */
  listAdvisors(options?: CallOptions): Promise<TeamMember[]>
  /** Any role, owners included; mails the advisor the console link. */
  inviteAdvisor(options: AdminInviteAdvisorOptions): Promise<TeamMember>
  /** Their sessions, keys and streams end at once; the last owner cannot be removed. */
  removeAdvisor(options: AdminRemoveAdvisorOptions): Promise<void>
  /** A new API key, shown once in `secret`. */
  createKey(options: AdminCreateKeyOptions): Promise<CreatedApiKey>
  /** The chat mode's override and schedule (docs/availability.md), and what customers see now. */
  getChatSettings(options?: CallOptions): Promise<ChatSettingsResponse>
  setChatSettings(options: ChatSettings & CallOptions): Promise<ChatSettingsResponse>
  /**
   * Writes first to a customer (docs/proactive-messages.md), creating the customer when new, into
   * their one conversation. Rejects with `validation_failed` (400) when `fromAdvisorId` is not a current
   * advisor of the workspace, and `rate_limited` (429, with `retryAfterSeconds`) past the proactive
   * messages per customer per day. The same `clientId` answers the original message again.
   */
  sendProactiveMessage(options: AdminSendProactiveMessageOptions): Promise<ProactiveMessageResponse>
}

/** The typed client of the admin API (the workspace secret and the workspace header), every route of `adminRoutes`. */
export function createAdminClient({ baseUrl, workspaceId, secret, fetch, timeoutMs }: AdminClientOptions): AdminClient {
  const headers = { authorization: `Bearer ${secret}`, [workspaceHeader]: workspaceId }
  const http = createHttpClient({ baseUrl, headers, fetch, timeoutMs })
  return {
    mintIdentificationCode: ({ signal, ...body }) => http.request(adminRoutes.mintIdentificationCode, { signal, body }),
    async verifyIdentificationCode({ signal, code }) {
      return (await http.request(adminRoutes.verifyIdentificationCode, { signal, body: { code } })).account
    },
    async updateAccount({ signal, externalId, ...body }) {
      return (await http.request(adminRoutes.updateAccount, { signal, params: { externalId }, body })).account
    },
    async getWorkspace({ signal } = {}) {
      return (await http.request(adminRoutes.getWorkspace, { signal })).workspace
    },
    async updateWorkspace({ signal, ...body }) {
      return (await http.request(adminRoutes.updateWorkspace, { signal, body })).workspace
    },
    async listAdvisors({ signal } = {}) {
      return (await http.request(adminRoutes.listAdvisors, { signal })).advisors
    },
    async inviteAdvisor({ signal, email, name, role }) {
      return (await http.request(adminRoutes.inviteAdvisor, { signal, body: { email, name, role } })).advisor
    },
    async removeAdvisor({ signal, advisorId }) {
      await http.request(adminRoutes.removeAdvisor, { signal, params: { id: advisorId } })
    },
    createKey: ({ signal, name, scope, advisorId }) =>
      http.request(adminRoutes.createKey, { signal, body: { name, scope, advisorId } }),
    getChatSettings: ({ signal } = {}) => http.request(adminRoutes.getChatSettings, { signal }),
    setChatSettings: ({ signal, override, schedule }) =>
      http.request(adminRoutes.setChatSettings, { signal, body: { override, schedule } }),
    sendProactiveMessage: ({ signal, to, text, fromAdvisorId, clientId }) =>
      http.request(adminRoutes.sendProactiveMessage, { signal, body: { to, text, fromAdvisorId, clientId } }),
  }
}

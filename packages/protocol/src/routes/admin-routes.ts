import type { AccountResponse, WorkspaceSettingsResponse } from '../schemas/admin.js'
import type { ChatSettings, ChatSettingsResponse } from '../schemas/availability.js'
import type { ErasureResponse, RetentionSettings } from '../schemas/records.js'
import type {
  AccountUpdateRequest,
  AdminMintCodeRequest,
  IdentificationCodeResponse,
  VerifyCodeRequest,
  VerifyCodeResponse,
  WorkspaceSettingsUpdate,
} from '../schemas/identification.js'
import type {
  AdminCreateApiKeyRequest,
  CreatedApiKey,
  InviteAdvisorRequest,
  TeamMemberResponse,
  TeamResponse,
} from '../schemas/team.js'
import type { AdminProactiveMessageRequest, ProactiveMessageResponse } from '../schemas/proactive.js'
import type { RouteTable } from './route.js'

const routes = {
  mintIdentificationCode: { method: 'POST', path: '/v1/admin/identification-codes', auth: 'admin' },
  /** Other channels (an email or messenger integration) check a code the customer gave them; it is used up. */
  verifyIdentificationCode: { method: 'POST', path: '/v1/admin/identification-codes/verify', auth: 'admin' },
  /** Creates the account when it is new; `null` clears a field, an attribute set to `null` is removed. */
  updateAccount: { method: 'PATCH', path: '/v1/admin/customers/:externalId', auth: 'admin' },
  getWorkspace: { method: 'GET', path: '/v1/admin/workspace', auth: 'admin' },
  updateWorkspace: { method: 'PATCH', path: '/v1/admin/workspace', auth: 'admin' },
  listAdvisors: { method: 'GET', path: '/v1/admin/advisors', auth: 'admin' },
  /** Invites an advisor (any role) and mails them the console link. */
  inviteAdvisor: { method: 'POST', path: '/v1/admin/advisors', auth: 'admin' },
  removeAdvisor: { method: 'POST', path: '/v1/admin/advisors/:id/remove', auth: 'admin' },
  createKey: { method: 'POST', path: '/v1/admin/keys', auth: 'admin' },
  /** R1: erases everything stored about the customer; an audit line without personal data remains. */
  eraseCustomer: { method: 'POST', path: '/v1/admin/customer-data/:customerId/erase', auth: 'admin' },
  /** R2: everything stored about the customer, as a zip of `customer.json` and their attachments. */
  exportCustomer: { method: 'GET', path: '/v1/admin/customer-data/:customerId/export', auth: 'admin' },
  /** R3: how many days finished conversations are kept (`null`: until deleted). */
  getRetention: { method: 'GET', path: '/v1/admin/retention', auth: 'admin' },
  setRetention: { method: 'PUT', path: '/v1/admin/retention', auth: 'admin' },
  /** The chat mode and schedule (docs/availability.md), as on the agent API. */
  getChatSettings: { method: 'GET', path: '/v1/admin/chat-settings', auth: 'admin' },
  setChatSettings: { method: 'PUT', path: '/v1/admin/chat-settings', auth: 'admin' },
  /**
   * Writes first to a customer, by external id or verified email (docs/proactive-messages.md); 429
   * `rate_limited` past the workspace's proactive messages per customer per day.
   */
  sendProactiveMessage: { method: 'POST', path: '/v1/admin/proactive-messages', auth: 'admin' },
} as const

/** The admin API: server to server, never from a browser (no CORS). */
export const adminRoutes: RouteTable<
  typeof routes,
  {
    mintIdentificationCode: { body: AdminMintCodeRequest; response: IdentificationCodeResponse }
    verifyIdentificationCode: { body: VerifyCodeRequest; response: VerifyCodeResponse }
    updateAccount: { body: AccountUpdateRequest; response: AccountResponse }
    getWorkspace: { response: WorkspaceSettingsResponse }
    updateWorkspace: { body: WorkspaceSettingsUpdate; response: WorkspaceSettingsResponse }
    listAdvisors: { response: TeamResponse }
    inviteAdvisor: { body: InviteAdvisorRequest; response: TeamMemberResponse }
    removeAdvisor: object
    createKey: { body: AdminCreateApiKeyRequest; response: CreatedApiKey }
    eraseCustomer: { response: ErasureResponse }
    exportCustomer: { response: Blob }
    getRetention: { response: RetentionSettings }
    setRetention: { body: RetentionSettings; response: RetentionSettings }
    getChatSettings: { response: ChatSettingsResponse }
    setChatSettings: { body: ChatSettings; response: ChatSettingsResponse }
    sendProactiveMessage: { body: AdminProactiveMessageRequest; response: ProactiveMessageResponse }
  }
> = routes

export type AdminRoutes = typeof adminRoutes
export type AdminRouteName = keyof AdminRoutes

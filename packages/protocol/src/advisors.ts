/** What an advisor may do in a workspace: owners and admins run the team, advisors answer chats. */
export const advisorRoles = ['owner', 'admin', 'advisor'] as const
export type AdvisorRole = (typeof advisorRoles)[number]

/** What an API key may do: `agent` and `bot` call the agent API, `admin` may also run the team and its keys. */
export const apiKeyScopes = ['agent', 'bot', 'admin'] as const
export type ApiKeyScope = (typeof apiKeyScopes)[number]

/** What teammates see of an advisor: `online` with the console open, `away` when they said so, else `offline`. */
export const presenceStatuses = ['online', 'away', 'offline'] as const
export type PresenceStatus = (typeof presenceStatuses)[number]

/** What an advisor may set: `away`, or `online` to be shown as present again. */
export const settablePresenceStatuses = ['online', 'away'] as const
export type SettablePresenceStatus = (typeof settablePresenceStatuses)[number]

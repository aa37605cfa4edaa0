import {
  accountSchema,
  agentSchema,
  conversationSchema,
  customerSchema,
  errorBodySchema,
  messageSchema,
  messagesPageSchema,
} from '@threadline/protocol/schemas'
import type {
  Account,
  Agent,
  CodeOutcome,
  Conversation,
  ConversationStatus,
  Customer,
  IdentificationStatus,
  Message,
  MessagesPage,
} from '@threadline/protocol'

/** How the customer was linked to the account: a pasted identification code, or the site's identity token (signed in). */
export type LinkedVia = 'code' | 'identity_token'

/** The site's account the conversation's customer is linked to, and how and when that link was made. */
export type LinkedAccount = Account & { linkedVia: LinkedVia; linkedAt: string }

/** A conversation as the agent API lists it: with its customer and, once identified, their account. */
export interface ConversationEntry {
  conversation: Conversation
  customer: Customer
  account: LinkedAccount | null
}

/** The list's filters beside the status; null (or absent) means "any". */
export interface ConversationFilters {
  identification?: IdentificationStatus | null
  lastCodeOutcome?: CodeOutcome | null
}

export interface PageVisit {
  url: string
  title: string
  referrer: string
  at: string
}

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>

export interface AgentApiOptions {
  /** Where the API lives; '' (the default) means this page's own origin, as when the demo serves the console. */
  baseUrl?: string
  key: string
  fetch?: FetchFunction
}

/**
 * Every failure of an agent API call, as data the UI can render: the server's error `code`
 * (`unauthorized`, `not_found`, …), or `network_error` / `invalid_response` when there was no
 * usable answer. `status` is 0 when nothing came back.
 */
export class AgentApiError extends Error {
  override readonly name = 'AgentApiError'
  readonly code: string
  readonly status: number

  constructor(code: string, status: number, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.status = status
  }
}

export function isAgentApiError(error: unknown): error is AgentApiError {
  return error instanceof Error && error.name === 'AgentApiError'
}

export type AgentApi = ReturnType<typeof createAgentApi>

/** Looks `fetch` up at call time, so a test (or a polyfill) that replaces it later is used. */
const globalFetch: FetchFunction = (input, init) => globalThis.fetch(input, init)

/** The agent routes of packages/server/src/http/agent-routes.ts, typed and checked with the protocol schemas. */
export function createAgentApi({ baseUrl = '', key, fetch = globalFetch }: AgentApiOptions) {
  async function call(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    let response: Response
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      })
    } catch (error) {
      if (signal?.aborted) throw error
      throw new AgentApiError('network_error', 0, 'The server could not be reached', { cause: error })
    }
    if (response.status === 204) return null
    const text = await response.text()
    let parsed: unknown
    try {
      parsed = text === '' ? null : JSON.parse(text)
    } catch (error) {
      throw new AgentApiError('invalid_response', response.status, `${method} ${path} did not answer with JSON`, {
        cause: error,
      })
    }
    if (!response.ok) {
      const failure = errorBodySchema.safeParse(parsed)
      if (failure.success) throw new AgentApiError(failure.data.error.code, response.status, failure.data.error.message)
      throw new AgentApiError('http_error', response.status, `${method} ${path} answered ${response.status}`)
    }
    return parsed
  }

  /** A response that does not match the protocol is a broken contract, reported like any other failure. */
  function check<T>(
    schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown } },
    value: unknown,
    what: string,
  ): T {
    const result = schema.safeParse(value)
    if (!result.success)
      throw new AgentApiError('invalid_response', 200, `The server's ${what} does not match the protocol`, {
        cause: result.error,
      })
    return result.data
  }

  function entry(value: unknown): ConversationEntry {
    const record = (value ?? {}) as { conversation?: unknown; customer?: unknown; account?: unknown }
    return {
      conversation: check(conversationSchema, record.conversation, 'conversation'),
      customer: check(customerSchema, record.customer, 'customer'),
      account: linkedAccount(record.account),
    }
  }

  function linkedAccount(value: unknown): LinkedAccount | null {
    if (value === null) return null
    const account = check(accountSchema, value, 'account')
    const { linkedVia, linkedAt } = value as { linkedVia?: unknown; linkedAt?: unknown }
    if (
      (linkedVia !== 'code' && linkedVia !== 'identity_token') ||
      typeof linkedAt !== 'string' ||
      Number.isNaN(Date.parse(linkedAt))
    ) {
      throw new AgentApiError('invalid_response', 200, "The server's account does not say how and when it was linked")
    }
    return { ...account, linkedVia, linkedAt }
  }

  const conversationPath = (id: string) => `/v1/agent/conversations/${encodeURIComponent(id)}`

  return {
    async me(signal?: AbortSignal): Promise<{ agent: Agent; workspaceId: string }> {
      const body = (await call('GET', '/v1/agent/me', undefined, signal)) as {
        agent?: unknown
        workspaceId?: unknown
      } | null
      const workspaceId = body?.workspaceId
      if (typeof workspaceId !== 'string')
        throw new AgentApiError('invalid_response', 200, 'The server did not say which workspace this key is for')
      return { agent: check(agentSchema, body?.agent, 'agent'), workspaceId }
    },

    /** Most recently updated first; every status when `status` is null, and likewise for each filter. */
    async listConversations({
      status,
      identification = null,
      lastCodeOutcome = null,
      limit = 50,
      signal,
    }: { status: ConversationStatus | null; limit?: number; signal?: AbortSignal } & ConversationFilters): Promise<
      ConversationEntry[]
    > {
      const query = new URLSearchParams({
        limit: String(limit),
        ...(status === null ? {} : { status }),
        ...(identification === null ? {} : { identification }),
        ...(lastCodeOutcome === null ? {} : { lastCodeOutcome }),
      })
      const body = (await call('GET', `/v1/agent/conversations?${query}`, undefined, signal)) as {
        conversations?: unknown
      } | null
      if (!Array.isArray(body?.conversations))
        throw new AgentApiError('invalid_response', 200, 'The conversation list is missing')
      return body.conversations.map(entry)
    },

    async conversation(id: string, signal?: AbortSignal): Promise<ConversationEntry> {
      return entry(await call('GET', conversationPath(id), undefined, signal))
    },

    /** Without a cursor: the newest page. `afterSeq` catches up; `beforeSeq` pages back. */
    async messages(
      id: string,
      query: { afterSeq?: number; beforeSeq?: number; limit?: number } = {},
      signal?: AbortSignal,
    ): Promise<MessagesPage> {
      const search = new URLSearchParams(Object.entries(query).map(([name, value]) => [name, String(value)]))
      const suffix = search.toString() === '' ? '' : `?${search}`
      return check(
        messagesPageSchema,
        await call('GET', `${conversationPath(id)}/messages${suffix}`, undefined, signal),
        'message page',
      )
    },

    async pageViews(id: string, signal?: AbortSignal): Promise<PageVisit[]> {
      const body = (await call('GET', `${conversationPath(id)}/page-views`, undefined, signal)) as {
        pageViews?: unknown
      } | null
      if (!Array.isArray(body?.pageViews)) return []
      return body.pageViews.filter(isPageVisit)
    },

    /** `clientId` makes a retry safe: the server answers the same message again. */
    async reply(
      id: string,
      { text, clientId }: { text: string; clientId: string },
    ): Promise<{ message: Message; conversation: Conversation }> {
      const body = (await call('POST', `${conversationPath(id)}/messages`, { text, clientId })) as {
        message?: unknown
        conversation?: unknown
      } | null
      return {
        message: check(messageSchema, body?.message, 'message'),
        conversation: check(conversationSchema, body?.conversation, 'conversation'),
      }
    },

    async take(id: string, { overtake = false }: { overtake?: boolean } = {}): Promise<Conversation> {
      const body = (await call('POST', `${conversationPath(id)}/take`, { overtake })) as {
        conversation?: unknown
      } | null
      return check(conversationSchema, body?.conversation, 'conversation')
    },

    async finish(id: string): Promise<Conversation> {
      const body = (await call('POST', `${conversationPath(id)}/finish`, {})) as { conversation?: unknown } | null
      return check(conversationSchema, body?.conversation, 'conversation')
    },

    /** The customer sees the advisor's read receipt up to `upToSeq`. */
    async markRead(id: string, upToSeq: number): Promise<void> {
      await call('POST', `${conversationPath(id)}/read`, { upToSeq })
    },

    async setTyping(id: string, typing: boolean): Promise<void> {
      await call('POST', `${conversationPath(id)}/typing`, { typing })
    },
  }
}

function isPageVisit(value: unknown): value is PageVisit {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return (
    typeof record.url === 'string' &&
    typeof record.title === 'string' &&
    typeof record.referrer === 'string' &&
    typeof record.at === 'string'
  )
}

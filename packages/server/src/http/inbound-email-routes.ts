import { inboundEmailRoutes } from '@threadline/protocol'
import type {
  AcceptedInboundEmail,
  CreatedInboundSecret,
  DiscardedInboundEmail,
  InboundEmailResponse,
  InboundEmailResult,
  InboundEmailSettings,
  InboundEmailsResponse,
} from '@threadline/protocol'
import { inboundEmailRouteSchemas as schemas } from '@threadline/protocol/schemas'
import type { Context, Hono } from 'hono'
import { parseWith } from '../errors/api-error.js'
import { ApiError } from '../errors/api-error.js'
import {
  acceptInboundEmail,
  discardInboundEmail,
  findInboundEmail,
  listInboundEmails,
  receiveInboundEmail,
  toInboundEmail,
} from '../inbound-email/inbound-emails.js'
import { authenticateInbound, inboundEmailSettings, rotateInboundSecret } from '../inbound-email/inbound-secrets.js'
import { revokeReplyTokens } from '../inbound-email/reply-tokens.js'
import type { ServerContext } from '../server-context.js'
import { requireRole, requireTeamManager, resolveAgentCaller } from './agent-caller.js'
import type { AgentCaller } from './agent-caller.js'
import type { AppEnv } from './app-env.js'
import { optionalBearerToken } from './bearer-token.js'
import type { Cors } from './cors.js'

const rawMailTypes = ['message/rfc822', 'application/octet-stream', 'text/plain']

/**
 * Email replies into the conversation (docs/email-replies.md). The provider's webhook calls with the
 * workspace's inbound secret; the held mails are the agent API's: any teammate (or an agent or admin
 * key) lists, reads and discards them; accepting one, which overrides M1's checks, is for owners and
 * admins (through a key, an admin-scope one), like managing the secret (H4, H5). Bot keys get none.
 */
export function mountInboundEmailRoutes(
  app: Hono<AppEnv>,
  { context, cors }: { context: ServerContext; cors: Cors },
): void {
  const teammate = async (c: Context<AppEnv>): Promise<AgentCaller> => {
    const caller = await resolveAgentCaller(context, c, { cors })
    if (caller.scope === 'bot') throw new ApiError('forbidden', 'A bot key cannot read or decide held emails')
    return caller
  }
  const id = (c: Context<AppEnv>) => c.req.param('id') ?? ''

  app.post(inboundEmailRoutes.receiveEmail.path, async (c) => {
    const secret = optionalBearerToken(c)
    const workspaceId = secret === null ? null : await authenticateInbound(context, secret)
    if (workspaceId === null)
      throw new ApiError('unauthorized', "Send the workspace's inbound secret in an Authorization: Bearer header")
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    if (!rawMailTypes.includes(type))
      throw new ApiError('unsupported_media_type', 'Post the raw email as message/rfc822')
    const raw = Buffer.from(await c.req.arrayBuffer())
    const result = await receiveInboundEmail(context, {
      workspaceId,
      raw,
      // SPF needs the address the provider received the mail from; providers pass it beside the mail.
      envelope: {
        clientIp: c.req.query('clientIp'),
        helo: c.req.query('helo'),
        mailFrom: c.req.query('mailFrom'),
      },
    })
    return c.json(result satisfies InboundEmailResult)
  })

  app.get(inboundEmailRoutes.listInboundEmails.path, async (c) => {
    const caller = await teammate(c)
    const query = parseWith(schemas.listInboundEmails.query, c.req.query())
    return c.json({
      emails: await listInboundEmails(context, caller.workspaceId, query),
    } satisfies InboundEmailsResponse)
  })

  app.get(inboundEmailRoutes.inboundEmail.path, async (c) => {
    const caller = await teammate(c)
    const row = await findInboundEmail(context, caller.workspaceId, id(c))
    return c.json({ email: toInboundEmail(row), original: row.original } satisfies InboundEmailResponse)
  })

  app.post(inboundEmailRoutes.acceptInboundEmail.path, async (c) => {
    const caller = await teammate(c)
    if (caller.via === 'key' && caller.scope !== 'admin')
      throw new ApiError('forbidden', 'Only an admin-scope key may accept a held email')
    requireRole(caller, ['owner', 'admin'])
    const accepted = await acceptInboundEmail(context, {
      workspaceId: caller.workspaceId,
      id: id(c),
      advisorId: caller.advisor.id,
    })
    return c.json(accepted satisfies AcceptedInboundEmail)
  })

  app.post(inboundEmailRoutes.discardInboundEmail.path, async (c) => {
    const caller = await teammate(c)
    const email = await discardInboundEmail(context, {
      workspaceId: caller.workspaceId,
      id: id(c),
      advisorId: caller.advisor.id,
    })
    return c.json({ email } satisfies DiscardedInboundEmail)
  })

  app.get(inboundEmailRoutes.inboundEmailSettings.path, async (c) => {
    const caller = await teammate(c)
    return c.json((await inboundEmailSettings(context, caller.workspaceId)) satisfies InboundEmailSettings)
  })

  app.post(inboundEmailRoutes.rotateInboundSecret.path, async (c) => {
    const caller = await resolveAgentCaller(context, c, { cors })
    requireTeamManager(caller)
    return c.json((await rotateInboundSecret(context, caller.workspaceId)) satisfies CreatedInboundSecret)
  })

  app.post(inboundEmailRoutes.rotateReplyAddress.path, async (c) => {
    const caller = await teammate(c)
    const conversation = await context.database.db
      .selectFrom('conversations')
      .select('id')
      .where('id', '=', id(c))
      .where('workspace_id', '=', caller.workspaceId)
      .executeTakeFirst()
    if (!conversation) throw new ApiError('not_found', 'No such conversation')
    await revokeReplyTokens(context.database.db, [conversation.id], context.now())
    return c.body(null, 204)
  })
}

import { describe, expectTypeOf, it } from 'vitest'
import type * as z from 'zod/mini'
import type { agentRouteSchemas, visitorRouteSchemas } from '../schemas/route-schemas.js'
import type { AgentReplyRequest, AgentEventEnvelope } from '../schemas/agent.js'
import type { VisitorEvent } from '../schemas/events.js'
import type { MessagesPage, SendMessageResponse } from '../schemas/visitor.js'
import type { agentRoutes } from './agent-routes.js'
import type { RouteBody, RouteEvent, RouteQuery, RouteResponse } from './route.js'
import type { visitorRoutes } from './visitor-routes.js'

describe('route tables', () => {
  describe('when a client reads a route', () => {
    it('finds the bodies the schemas of the same name produce', () => {
      expectTypeOf<RouteBody<typeof agentRoutes.reply>>().toEqualTypeOf<AgentReplyRequest>()
      expectTypeOf<RouteBody<typeof agentRoutes.reply>>().toEqualTypeOf<
        z.infer<(typeof agentRouteSchemas)['reply']['body']>
      >()
      expectTypeOf<RouteResponse<typeof agentRoutes.reply>>().toEqualTypeOf<SendMessageResponse>()
      expectTypeOf<RouteResponse<typeof visitorRoutes.listMessages>>().toEqualTypeOf<
        z.infer<(typeof visitorRouteSchemas)['listMessages']['response']>
      >()
      expectTypeOf<RouteResponse<typeof agentRoutes.listMessages>>().toEqualTypeOf<MessagesPage>()
      expectTypeOf<RouteEvent<typeof agentRoutes.events>>().toEqualTypeOf<AgentEventEnvelope>()
      expectTypeOf<RouteEvent<typeof visitorRoutes.events>>().toEqualTypeOf<VisitorEvent>()
    })

    it('finds undefined for what a route does not carry', () => {
      expectTypeOf<RouteBody<typeof agentRoutes.reopen>>().toEqualTypeOf<undefined>()
      expectTypeOf<RouteQuery<typeof agentRoutes.reply>>().toEqualTypeOf<undefined>()
      expectTypeOf<RouteResponse<typeof agentRoutes.markRead>>().toEqualTypeOf<undefined>()
    })

    it('keeps method, path and auth as literals', () => {
      expectTypeOf(
        null as unknown as typeof agentRoutes.reply.path,
      ).toEqualTypeOf<'/v1/agent/conversations/:id/messages'>()
      expectTypeOf(null as unknown as typeof agentRoutes.reply.auth).toEqualTypeOf<'agent'>()
    })
  })
})

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * Who may call a route. `workspace`: the workspace header, no credential. `session`: `Authorization:
 * Bearer <session token>`. `agent`: `Authorization: Bearer <agent key>`. `admin`: `Authorization: Bearer
 * <workspace secret>` plus the workspace header (server to server only). `console`: the console's
 * same-origin cookie. `inbound`: `Authorization: Bearer <inbound secret>` (a provider's inbound email
 * webhook, docs/email-replies.md). `none`: nothing (the console's sign-in).
 */
export type RouteAuth = 'workspace' | 'session' | 'agent' | 'admin' | 'console' | 'inbound' | 'none'

/**
 * What a route carries, for the type system only. `body`/`query` absent: the route takes none;
 * `response` absent: it answers 204 No Content; `event`: the `data:` of each Server-Sent Event.
 */
export interface RouteIo {
  body?: unknown
  query?: unknown
  response?: unknown
  event?: unknown
}

/** Route paths are Hono-style templates: `:id` is a path parameter, filled in URI-encoded. */
export interface RouteSpec {
  readonly method: HttpMethod
  readonly path: `/v1/${string}`
  readonly auth: RouteAuth
}

// Never set at run time: the table stays three strings per route, so a browser bundle that imports it
// ships no schema and no zod, while clients still read each route's bodies from its type.
declare const io: unique symbol

/** A route of the table: its method, path and auth, carrying its `RouteIo` as a phantom type. */
export type Route<Spec extends RouteSpec = RouteSpec, Io extends RouteIo = RouteIo> = Spec & { readonly [io]?: Io }

/** Gives each route of a plain table its phantom `RouteIo`; a route missing from `Io` (or one too many) does not compile. */
export type RouteTable<Specs extends Record<string, RouteSpec>, Io extends { [Name in keyof Specs]: RouteIo }> = {
  readonly [Name in keyof Specs]: Route<Specs[Name], Io[Name]>
}

type IoOf<R> = R extends { readonly [io]?: infer Io } ? NonNullable<Io> : never
type Part<R, Key extends keyof RouteIo> = IoOf<R> extends { [K in Key]: infer T } ? T : undefined

/** The JSON body a route takes (`undefined`: none). */
export type RouteBody<R> = Part<R, 'body'>
/** The query parameters a route takes (`undefined`: none). */
export type RouteQuery<R> = Part<R, 'query'>
/** What a route answers (`undefined`: 204 No Content). */
export type RouteResponse<R> = Part<R, 'response'>
/** The `data:` of each event an event-stream route sends. */
export type RouteEvent<R> = Part<R, 'event'>

/** Unauthenticated visitor calls, and admin calls, name their workspace in this header. */
export const workspaceHeader = 'x-threadline-workspace'

/** `/v1/agent/conversations/:id` with `{ id: 'cnv 1' }` → `/v1/agent/conversations/cnv%201`. */
export function routePath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) throw new TypeError(`The path ${path} needs the parameter "${name}"`)
    return encodeURIComponent(value)
  })
}

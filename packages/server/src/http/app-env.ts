import type { IncomingMessage } from 'node:http'

/** Hono's environment: on Node, `c.env.incoming` is the request's socket side (absent under `app.request()`). */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage }
  /** `unmatched`: set by the not-found handler, so metrics and the access log label the request `(unmatched)`. */
  Variables: { unmatched?: boolean }
}

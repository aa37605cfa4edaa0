import type { Context, Hono } from 'hono'
import { ApiError } from '../errors/api-error.js'
import { escapeHtml } from '../mail/html-escape.js'
import type { ServerContext } from '../server-context.js'
import { isOriginAllowed } from '../workspaces/origin-policy.js'
import { findWorkspace } from '../workspaces/workspaces.js'
import type { AppEnv } from './app-env.js'
import { chooseCoding, createWidgetFiles, etagMatches } from './widget-files.js'
import type { WidgetFile } from './widget-files.js'

/**
 * A name the build emits into `assets/`: word characters and dashes, dot-separated. No `/`, `\`,
 * `%`, NUL or empty segment, so `..` and every encoding of it fail here, before the file system.
 */
const assetName = /^[\w-]+(?:\.[\w-]+)+$/

/**
 * The unhashed scripts a host page loads by a fixed URL: the loader, and the identification-code
 * widget it loads on the first click. Their URLs never change, so their cache stays short; hashed
 * assets never change, so theirs is a year.
 */
const unhashedScripts = ['loader.js', 'identify.js'] as const
const loaderCaching = 'public, max-age=300'
const assetCaching = 'public, max-age=31536000, immutable'

/** Host pages on other origins load these with `<script src>`, also under `Cross-Origin-Embedder-Policy`. */
const crossOrigin = { 'Cross-Origin-Resource-Policy': 'cross-origin' }

/**
 * E6: the frame runs only its own hashed files (no inline script or style, no eval), talks only to
 * its own origin, and may be framed by exactly the one host origin that asked for it and that the
 * workspace allows: a subset of the allowed list, so stronger than listing them all. Attachment
 * previews come from `/files/` on its own origin, or from the separate files origin when one is set
 * (D4): that origin is added to `img-src` only, nothing else.
 */
export function framePolicy(origin: string, filesOrigin: string | null = null): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${filesOrigin === null ? '' : ` ${new URL(filesOrigin).origin}`}`,
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${origin}`,
  ].join('; ')
}

/**
 * True for an origin exactly as a browser serializes it (`https://shop.example`, with a port only
 * when not the default): no path, no trailing slash, no user info, lower-case host. Anything else
 * could never equal a postMessage `event.origin`, and could smuggle text into the CSP header.
 */
export function isSerializedOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value
  } catch {
    return false
  }
}

const notBuilt = () => new ApiError('not_found', 'No such widget file')

/**
 * `GET /widget/loader.js`, `/widget/identify.js`, `/widget/assets/<name>` and `/widget/frame.html?workspace=…&origin=…`,
 * from the built `@threadline/loader` in `widgetDir`. Everything else under `/widget` (and every file
 * while the widget is not built) is the API's 404 JSON.
 */
export function mountWidgetRoutes(
  app: Hono<AppEnv>,
  { context, widgetDir }: { context: ServerContext; widgetDir: string },
): void {
  const files = createWidgetFiles(widgetDir)

  for (const name of unhashedScripts) {
    app.get(`/widget/${name}`, async (c) => {
      const file = await files.read(name)
      if (!file) throw notBuilt()
      return sendFile(c, file, { 'Cache-Control': loaderCaching, ...crossOrigin })
    })
  }

  app.get('/widget/assets/:name', async (c) => {
    const name = c.req.param('name')
    const file = assetName.test(name) ? await files.read(`assets/${name}`) : null
    if (!file) throw notBuilt()
    return sendFile(c, file, { 'Cache-Control': assetCaching, ...crossOrigin })
  })

  app.get('/widget/frame.html', async (c) => {
    const file = await files.read('frame.html')
    if (!file) throw notBuilt()
    const workspaceId = c.req.query('workspace') ?? ''
    const workspace = workspaceId === '' || workspaceId.length > 100 ? null : await findWorkspace(context, workspaceId)
    if (!workspace) return unknownWorkspacePage(c)
    const origin = c.req.query('origin') ?? ''
    if (!isSerializedOrigin(origin) || !isOriginAllowed(workspace.allowedOrigins, origin, context.mode))
      return originNotAllowedPage(c, origin)
    // No X-Frame-Options: it cannot name an origin, and the security headers leave it off when the CSP allows an ancestor.
    return sendFile(c, file, {
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': framePolicy(origin, context.settings.filesOrigin),
    })
  })
}

/** The representation the client accepts best, or 304 when it already holds that one. */
function sendFile(c: Context<AppEnv>, file: WidgetFile, headers: Record<string, string>): Response {
  const coding = chooseCoding(c.req.header('accept-encoding'), new Set(file.representations.keys()))
  const representation = file.representations.get(coding) ?? file.representations.get('identity')
  if (!representation) throw notBuilt()
  const validators: Record<string, string> = {
    ...headers,
    ETag: representation.etag,
    ...(file.representations.size > 1 ? { Vary: 'Accept-Encoding' } : {}),
  }
  if (etagMatches(c.req.header('if-none-match'), representation.etag)) return c.body(null, 304, validators)
  return c.body(representation.body, 200, {
    ...validators,
    'Content-Type': file.contentType,
    'Content-Length': String(representation.body.byteLength),
    ...(representation.coding === 'identity' ? {} : { 'Content-Encoding': representation.coding }),
  })
}

/**
 * The error pages may be framed anywhere: they are inert text (no script, no style, no form, no
 * link), and shown inside the site's chat panel they tell the site owner, and the customer, why the
 * chat is missing, where a refused frame would be a blank box.
 */
const errorPagePolicy = { 'Content-Security-Policy': "default-src 'none'; frame-ancestors *" }

/** Small pages that say why the chat does not show, for the site owner who opens the frame URL or sees the panel. */
function page(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`
}

function unknownWorkspacePage(c: Context<AppEnv>): Response {
  return c.html(
    page(
      'Unknown workspace',
      'There is no chat workspace with this id. Check the data-workspace attribute of the Threadline script tag.',
    ),
    404,
    errorPagePolicy,
  )
}

function originNotAllowedPage(c: Context<AppEnv>, origin: string): Response {
  const site = isSerializedOrigin(origin) ? origin : 'this site'
  return c.html(
    page(
      'This site may not show the chat',
      `The chat can only be embedded by the workspace's allowed origins. Add the site's origin (${site}: scheme, host and port, such as https://shop.example) to the workspace's allowed origins.`,
    ),
    403,
    errorPagePolicy,
  )
}

/**
 * The end-to-end harness: the demo (chat server + host site, two origins, as in real life) on a temp
 * data dir, real Chromium through playwright-core, and the few things a test does as a person or an
 * advisor would: open the launcher, verify an email with the code from the dev mailbox, send, reply
 * through the agent API.
 *
 * Each "device" is its own Chromium with a fresh user-data dir (nothing carries over between tests),
 * closed after its test; a failed test leaves a screenshot of every page it opened and the pages'
 * console errors, with their paths printed.
 */
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createAdminClient, createAgentClient } from '@threadline/api'
import type { AgentClient } from '@threadline/api'
import type {
  AgentConversation,
  AgentEventEnvelope,
  ConversationStatus,
  IdentificationSettings,
  Message,
  WorkspaceSettings,
} from '@threadline/protocol'
import { chromium, type BrowserContext, type Frame, type FrameLocator, type Locator, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, vi } from 'vitest'
import { startDemo } from '../examples/script-tag/src/demo.js'
import {
  chromiumArgs,
  chromiumPath,
  cookieControlsPreferences,
  partitionedStorageLaunch,
  sitesArgs,
} from '../scripts/chromium.js'
import { siteHosts } from './sites.js'

const repoRoot = resolve(import.meta.dirname, '..')
export const widgetDir = join(repoRoot, 'packages/loader/dist/widget')

/** Why the end-to-end tests cannot run here, or null when they can. */
export function e2eUnavailableReason(): string | null {
  if (!existsSync(join(widgetDir, 'loader.js')) || !existsSync(join(widgetDir, 'frame.html'))) {
    return 'the widget is not built (packages/loader/dist/widget): run pnpm --filter @threadline/loader build'
  }
  if (!existsSync(chromiumPath))
    return `no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`
  return null
}

const unavailable = e2eUnavailableReason()
// Locally a missing build or browser skips (the reason is in the title); under CI it fails, since
// skipping would hide a broken setup (the same rule as the server's Postgres tests).
const skip = unavailable !== null && !process.env['CI']

/** A describe block that skips locally, with the reason in its title, when the tests cannot run, and fails under CI. */
export function describeE2e(name: string, body: () => void): void {
  describe.skipIf(skip)(`${name}${skip ? ` (skipped: ${unavailable})` : ''}`, () => {
    beforeAll(() => {
      if (unavailable !== null) throw new Error(`The end-to-end tests cannot run under CI: ${unavailable}`)
    })
    body()
  })
}

// ── the demo ──────────────────────────────────────────────────────────────────────────────────────

export type Demo = Awaited<ReturnType<typeof startDemo>>

/**
 * Starts one demo (chat server and host site on free ports, SQLite in a temp dir) for the file's
 * tests and stops it after them. Read `.current` inside tests and hooks.
 */
export function useDemo(): { readonly current: Demo; readonly dataDir: string } {
  let demo: Demo | null = null
  let dataDir: string | null = null
  // The servers' log lines stay quiet unless a test fails; then the ones logged during it are printed.
  const logs: string[] = []
  let firstLineOfTest = 0
  beforeAll(async () => {
    if (unavailable !== null) return
    dataDir = await mkdtemp(join(tmpdir(), 'threadline-e2e-data-'))
    demo = await startDemo({ port: 0, sitePort: 0, dataDir, log: (line: string) => logs.push(line) })
  })
  beforeEach(() => {
    firstLineOfTest = logs.length
  })
  afterEach((context) => {
    if (context.task.result?.state === 'fail' && logs.length > firstLineOfTest) {
      console.error(`demo log during "${context.task.name}":\n${logs.slice(firstLineOfTest).join('\n')}`)
    }
  })
  afterAll(async () => {
    await demo?.close()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })
  return {
    get current() {
      if (!demo) throw new Error('The demo did not start (see the beforeAll error)')
      return demo
    },
    /** The demo's data dir: its SQLite file and `demo.json` (the workspace's credentials, read by `adminApi`). */
    get dataDir() {
      if (!dataDir) throw new Error('The demo did not start (see the beforeAll error)')
      return dataDir
    },
  }
}

/**
 * A tiny static site of the test's own on a free loopback port: another origin than the demo's site
 * (dev mode allows any loopback origin). A real server rather than `page.route`, because Chromium
 * counts a page fulfilled by interception as public and then refuses its requests to the loopback
 * chat server (Local Network Access).
 */
export async function serveStaticPages(
  pages: Record<string, { contentType: string; body: string }>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const page = pages[new URL(request.url ?? '/', 'http://pages.invalid').pathname]
    if (!page) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
      return
    }
    response.writeHead(200, { 'content-type': page.contentType, 'cache-control': 'no-store' }).end(page.body)
  })
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise())
        server.closeAllConnections()
      }),
  }
}

// ── browsers ──────────────────────────────────────────────────────────────────────────────────────

export interface Device {
  context: BrowserContext
  page: Page
  /** Console errors and warnings, page errors and failed requests, for the failure report. */
  problems: string[]
  /** Quits this Chromium (its profile is removed unless the test gave `profileDir`); also done after the test. */
  close(): Promise<void>
}

export interface DeviceOptions {
  viewport?: { width: number; height: number }
  /** A phone: `meta viewport` honoured, touch events (`tap`). Off by default (a desktop). */
  isMobile?: boolean
  hasTouch?: boolean
  /** Scripts run in every frame before the frame's own scripts (`page.addInitScript`). */
  initScripts?: string[]
  /** The browser's time zone (IANA); default the machine's. */
  timezoneId?: string
  /** The browser's language (`navigator.language`, Accept-Language); default `en-US`. */
  locale?: string
  /**
   * The cross-site setup (`useThreadlineStart({ sites: true })`): storage partitioning on as in real
   * Chrome, `shop.test`, `other-shop.test` and `chat.vendor.test` mapped to 127.0.0.1, the sites'
   * throwaway authority trusted, and third-party cookies allowed or blocked in the profile's settings.
   * Without it the browser is Playwright's default (partitioning off) on the loopback origins.
   */
  sites?: {
    caSpkiSha256: string
    thirdPartyCookies: 'allowed' | 'blocked'
    /**
     * `false`: Playwright's own launch (storage partitioning off), so a cross-site frame with
     * third-party cookies blocked is refused all storage, as in a browser that blocks it outright.
     */
    partitioning?: false
  }
  /**
   * A user-data dir the test owns and keeps (the browser's disk: cookies, storage), so a later
   * device on the same dir is the same browser restarted. Default: a fresh temp dir, removed on close.
   */
  profileDir?: string
}

/** The launch options of a device (one Chromium): Playwright's defaults, or the cross-site setup. */
async function launchOptions(profile: string, options: DeviceOptions) {
  if (!options.sites) return { args: chromiumArgs }
  const { ignoreDefaultArgs, args } =
    options.sites.partitioning === false ? { ignoreDefaultArgs: [], args: [] } : partitionedStorageLaunch()
  // The setting goes in before the first launch; a restarted profile keeps what Chromium saved.
  const preferences = join(profile, 'Default', 'Preferences')
  if (!existsSync(preferences)) {
    await mkdir(join(profile, 'Default'), { recursive: true })
    await writeFile(preferences, cookieControlsPreferences(options.sites.thirdPartyCookies))
  }
  return {
    ignoreDefaultArgs,
    args: [...chromiumArgs, ...args, ...sitesArgs({ hosts: siteHosts, caSpkiSha256: options.sites.caSpkiSha256 })],
  }
}

/**
 * Opens devices (one Chromium each, fresh profile) for the current test and closes them after it. On
 * failure, saves a screenshot of each page and its problems to a temp dir and prints the paths.
 */
export function useDevices(): (options?: DeviceOptions) => Promise<Device> {
  let opened: Array<Device & { close(): Promise<void> }> = []
  afterEach(async (context) => {
    const devices = opened
    opened = []
    if (context.task.result?.state === 'fail') await saveFailureReport(context.task.name, devices)
    await Promise.all(devices.map((device) => device.close()))
  })
  return async (options = {}) => {
    const profile = options.profileDir ?? (await mkdtemp(join(tmpdir(), 'threadline-e2e-profile-')))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      ...(await launchOptions(profile, options)),
      viewport: options.viewport ?? { width: 1280, height: 800 },
      locale: options.locale ?? 'en-US',
      ...(options.isMobile === undefined ? {} : { isMobile: options.isMobile }),
      ...(options.hasTouch === undefined ? {} : { hasTouch: options.hasTouch }),
      ...(options.timezoneId === undefined ? {} : { timezoneId: options.timezoneId }),
    })
    for (const script of options.initScripts ?? []) await context.addInitScript(script)
    const page = context.pages()[0] ?? (await context.newPage())
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`[console.${message.type()}] ${message.text()} (${message.location().url})`)
    })
    page.on('pageerror', (error) => problems.push(`[pageerror] ${error.message}`))
    page.on('requestfailed', (request) =>
      problems.push(`[requestfailed] ${request.method()} ${request.url()}: ${request.failure()?.errorText ?? ''}`),
    )
    const device = {
      context,
      page,
      problems,
      async close() {
        await context.close().catch(() => undefined)
        if (options.profileDir === undefined) await rm(profile, { recursive: true, force: true })
      },
    }
    opened.push(device)
    return device
  }
}

async function saveFailureReport(testName: string, devices: Device[]): Promise<void> {
  const dir = join(
    tmpdir(),
    'threadline-e2e-failures',
    `${Date.now()}-${testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}`,
  )
  await mkdir(dir, { recursive: true })
  for (const [index, { page, problems }] of devices.entries()) {
    const screenshot = join(dir, `device-${index + 1}.png`)
    try {
      await page.screenshot({ path: screenshot, fullPage: true, timeout: 5_000 })
    } catch (error) {
      problems.push(`[harness] no screenshot: ${error instanceof Error ? error.message : String(error)}`)
    }
    await writeFile(join(dir, `device-${index + 1}.log`), `${page.url()}\n${problems.join('\n')}\n`)
  }
  console.error(`e2e failure report for "${testName}": ${dir}`)
}

// ── the host page: launcher and chat frame ────────────────────────────────────────────────────────

/** The element the loader appends to `<body>`; its open shadow root holds the launcher and the frame. */
export const widgetHostTag = 'threadline-widget'

/** The launcher `<button>` inside the loader's open shadow root (CSS locators pierce open shadow roots). */
export function launcher(page: Page): Locator {
  return page.locator(`${widgetHostTag} button[aria-expanded]`)
}

/** The element the loader's identification widget (`/widget/identify.js`) appends to `<body>`, with its open shadow root. */
export const identifyHostTag = 'threadline-identify'

const frameSelector = 'iframe[src*="/widget/frame.html"]'

/** The chat frame's `<iframe>` element (inside the shadow root). */
export function chatIframe(page: Page): Locator {
  return page.locator(frameSelector)
}

/** The chat frame's content, for locators. */
export function chatFrame(page: Page): FrameLocator {
  return page.frameLocator(frameSelector)
}

/** The chat frame as a Playwright Frame, for `evaluate`. */
export async function chatFrameHandle(page: Page): Promise<Frame> {
  const handle = await chatIframe(page).elementHandle({ timeout: 15_000 })
  const frame = await handle?.contentFrame()
  if (!frame) throw new Error('The chat iframe has no content frame')
  return frame
}

/** Opens the chat with the launcher and waits until the frame shows either the email gate or the conversation. */
export async function openChat(page: Page): Promise<FrameLocator> {
  await launcher(page).click()
  const frame = chatFrame(page)
  await frame.getByLabel('Email address').or(composer(frame)).first().waitFor({ state: 'visible', timeout: 20_000 })
  return frame
}

export function composer(frame: FrameLocator): Locator {
  return frame.getByRole('textbox', { name: 'Message', exact: true })
}

/** The bubbles' texts as the frame shows them (any element whose text is exactly `text`). */
export function messageText(frame: FrameLocator, text: string): Locator {
  return frame.getByText(text, { exact: true })
}

/** Enters the email, reads the code from the dev mailbox, verifies; resolves once the composer shows. */
export async function verifyEmail(demo: Demo, frame: FrameLocator, email: string): Promise<void> {
  const seen = await mailIds(demo)
  await frame.getByLabel('Email address').fill(email)
  await frame.getByRole('button', { name: 'Send me a code' }).click()
  const code = await waitForCode(demo, email, seen)
  await frame.getByLabel('Verification code').fill(code)
  // The code field may verify by itself at six digits; click only if the button is still there.
  const verify = frame.getByRole('button', { name: 'Verify', exact: true })
  await verify.click({ timeout: 2_000 }).catch(() => undefined)
  await composer(frame).waitFor({ state: 'visible', timeout: 15_000 })
}

export async function sendMessage(frame: FrameLocator, text: string): Promise<void> {
  await composer(frame).fill(text)
  await frame.getByRole('button', { name: 'Send', exact: true }).click()
  await messageText(frame, text).waitFor({ state: 'visible', timeout: 10_000 })
}

/** A unique address per test, so tests of one file share the demo without sharing a customer. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`
}

// ── the dev mailbox ───────────────────────────────────────────────────────────────────────────────

export interface MailboxMessage {
  id: string
  to: string | string[]
  subject: string
  text: string
}

async function readMailbox(demo: Demo): Promise<MailboxMessage[]> {
  const response = await fetch(demo.mailboxUrl, { headers: { accept: 'application/json' } })
  if (!response.ok) throw new Error(`GET ${demo.mailboxUrl} answered ${response.status}`)
  const body = (await response.json()) as { messages: MailboxMessage[] }
  return body.messages
}

/** The ids of the mails in the dev mailbox now, to tell the next one to an address apart (`waitForCode`). */
export async function mailIds(demo: Demo): Promise<Set<string>> {
  return new Set((await readMailbox(demo)).map((message) => message.id))
}

/** The newest mail to `email` that was not in `seen` and whose subject matches. */
export async function waitForMail(
  demo: Demo,
  email: string,
  seen: Set<string>,
  subject: RegExp,
): Promise<MailboxMessage> {
  return vi.waitFor(
    async () => {
      const mail = (await readMailbox(demo)).find(
        (message) =>
          [message.to].flat().some((to) => to.includes(email)) &&
          !seen.has(message.id) &&
          subject.test(message.subject),
      )
      if (!mail) throw new Error(`No new mail to ${email} with a subject like ${subject} in the dev mailbox`)
      return mail
    },
    { timeout: 15_000, interval: 100 },
  )
}

/** The code in the newest mail to `email` that was not in `seen`. */
export async function waitForCode(demo: Demo, email: string, seen: Set<string>): Promise<string> {
  return vi.waitFor(
    async () => {
      const mail = (await readMailbox(demo)).find(
        (message) => [message.to].flat().some((to) => to.includes(email)) && !seen.has(message.id),
      )
      if (!mail) throw new Error(`No new mail to ${email} in the dev mailbox`)
      const code = /\b(\d{6})\b/.exec(mail.text)?.[1]
      if (!code) throw new Error(`No 6-digit code in the mail "${mail.subject}": ${mail.text}`)
      return code
    },
    { timeout: 15_000, interval: 100 },
  )
}

// ── the agent console ─────────────────────────────────────────────────────────────────────────────

/**
 * Signs the demo's advisor in to the console as the printed link does: the email is filled in, one
 * click sends the code, the code comes from the dev mailbox. Resolves once the inbox is live.
 */
export async function signInToDemoConsole(page: Page, demo: Demo): Promise<void> {
  const seen = await mailIds(demo)
  await page.goto(demo.consoleSignInUrl)
  await page.getByRole('button', { name: 'Email me a code' }).click()
  const mail = await waitForMail(demo, demo.advisorEmail, seen, /sign-in code/)
  const code = /\b(\d{6})\b/.exec(mail.text)?.[1]
  if (!code) throw new Error(`No 6-digit code in the mail "${mail.subject}"`)
  await page.getByLabel('Sign-in code').fill(code)
  await page.keyboard.press('Enter')
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ state: 'visible', timeout: 20_000 })
}

// ── the agent API ─────────────────────────────────────────────────────────────────────────────────

/** The agent API as an advisor's tool would call it: `Authorization: Bearer <agentKey>`. */
/** The customer writes `text`; an advisor answers `reply` through the agent API; the answer shows in the frame without a reload. */
export async function exchangeWithAdvisor(
  demo: Demo,
  frame: FrameLocator,
  exchange: { email: string; text: string; reply: string },
) {
  await sendMessage(frame, exchange.text)
  const agent = agentApi(demo)
  const { conversation } = await agent.conversationOf(exchange.email)
  await agent.reply(conversation.id, exchange.reply)
  await messageText(frame, exchange.reply).waitFor({ state: 'visible', timeout: 15_000 })
  return { agent, conversation }
}

export function agentApi(demo: Demo) {
  const client: AgentClient = createAgentClient({ baseUrl: demo.chatUrl, agentKey: demo.agentKey })
  async function conversations(status?: ConversationStatus): Promise<AgentConversation[]> {
    return client.listConversations(status === undefined ? {} : { status })
  }
  return {
    client,
    conversations,
    /** Waits until the customer with this email has a conversation; resolves with its row. */
    async conversationOf(email: string): Promise<AgentConversation> {
      return vi.waitFor(
        async () => {
          const row = (await conversations()).find((candidate) => candidate.customer.email === email)
          if (!row) throw new Error(`No conversation for ${email} yet`)
          return row
        },
        { timeout: 15_000, interval: 150 },
      )
    },
    /** One conversation with its customer and account, as `GET /v1/agent/conversations/:id` answers. */
    async conversation(conversationId: string): Promise<AgentConversation> {
      return client.getConversation({ conversationId })
    },
    async messages(conversationId: string): Promise<Message[]> {
      return (await client.listMessages({ conversationId, limit: 100 })).messages
    },
    async reply(conversationId: string, text: string): Promise<void> {
      await client.reply({ conversationId, text })
    },
  }
}

// ── the admin API and the agent event stream ──────────────────────────────────────────────────────

/**
 * The admin API as the site's backend calls it: `Authorization: Bearer <workspace secret>` and the
 * workspace header. The secret is the one the demo keeps in `<dataDir>/demo.json` (development only).
 */
export async function adminApi(demo: Demo, dataDir: string) {
  const { secret } = JSON.parse(await readFile(join(dataDir, 'demo.json'), 'utf8')) as { secret: string }
  const client = createAdminClient({ baseUrl: demo.chatUrl, workspaceId: demo.workspaceId, secret })
  return {
    client,
    /** `PATCH /v1/admin/workspace`; resolves with the settings the server answers. */
    async setIdentification(identification: Partial<IdentificationSettings>): Promise<WorkspaceSettings> {
      return client.updateWorkspace({ identification })
    },
  }
}

/**
 * Reads `GET /v1/agent/events` as an advisor's automation would, and keeps every envelope in arrival
 * order. Resolves once the server answered 200 (from then on nothing published is missed).
 */
export async function recordAgentEvents(demo: Demo): Promise<{ envelopes: AgentEventEnvelope[]; close(): void }> {
  const envelopes: AgentEventEnvelope[] = []
  let close: () => void = () => undefined
  await new Promise<void>((resolvePromise, reject) => {
    close = createAgentClient({ baseUrl: demo.chatUrl, agentKey: demo.agentKey }).subscribe({
      onEvent: ({ data }) => envelopes.push(data),
      onStatus: ({ status, error }) => {
        if (status === 'live') resolvePromise()
        if (status === 'refused') reject(error ?? new Error('GET /v1/agent/events was refused'))
      },
    })
  })
  return { envelopes, close }
}

/** What an init script records in each window, read back with `page.evaluate(readRecords)`. */
export interface Records {
  messages: string[]
  portMessages: string[]
  violations: Array<{ directive: string; blockedURI: string; sourceFile: string; documentURI: string }>
  longTasks: Array<{ duration: number; startTime: number; name: string }>
  layoutShifts: Array<{ value: number; startTime: number }>
  longFrames: Array<{ duration: number; scripts: string[] }>
}

/**
 * Installed with `addInitScript`, so it runs before any script of every document (host page and
 * frame): records every `message` event on the window, every message a MessagePort of this window
 * receives or posts (a hostile host script could wrap MessagePort just the same), CSP violations,
 * and long tasks, long animation frames and layout shifts (buffered, so nothing before it is lost).
 */
export const recorderScript = `(() => {
  const records = { messages: [], portMessages: [], violations: [], longTasks: [], layoutShifts: [], longFrames: [] }
  Object.defineProperty(window, '__threadlineE2e', { value: records })
  const text = (data) => { try { return JSON.stringify(data) ?? String(data) } catch { return String(data) } }
  window.addEventListener('message', (event) => records.messages.push(text(event.data)), true)
  const port = MessagePort.prototype
  const post = port.postMessage
  port.postMessage = function (data, ...rest) { records.portMessages.push(text(data)); return post.call(this, data, ...rest) }
  const add = port.addEventListener
  port.addEventListener = function (type, listener, ...rest) {
    if (type === 'message') add.call(this, 'message', (event) => records.portMessages.push(text(event.data)))
    return add.call(this, type, listener, ...rest)
  }
  const onmessage = Object.getOwnPropertyDescriptor(port, 'onmessage')
  Object.defineProperty(port, 'onmessage', {
    configurable: true,
    get() { return onmessage.get.call(this) },
    set(handler) {
      onmessage.set.call(this, typeof handler === 'function' ? function (event) { records.portMessages.push(text(event.data)); return handler.call(this, event) } : handler)
    },
  })
  document.addEventListener('securitypolicyviolation', (event) => {
    records.violations.push({ directive: event.violatedDirective, blockedURI: event.blockedURI, sourceFile: event.sourceFile, documentURI: event.documentURI })
  })
  const observe = (type, push) => {
    try { new PerformanceObserver((list) => list.getEntries().forEach(push)).observe({ type, buffered: true }) } catch {}
  }
  observe('longtask', (entry) => records.longTasks.push({ duration: entry.duration, startTime: entry.startTime, name: entry.name }))
  observe('layout-shift', (entry) => records.layoutShifts.push({ value: entry.value, startTime: entry.startTime }))
  observe('long-animation-frame', (entry) => records.longFrames.push({ duration: entry.duration, scripts: (entry.scripts ?? []).map((script) => script.sourceURL + ' ' + Math.round(script.duration) + 'ms') }))
})()`

/** axe-core's browser build, from the react package's dev dependencies (the root does not link it). */
async function axeSource(): Promise<string> {
  const requireFromReact = createRequire(join(repoRoot, 'packages/react/package.json'))
  return readFile(requireFromReact.resolve('axe-core/axe.min.js'), 'utf8')
}

/** One axe violation, as the failure message shows it. */
export interface AxeFinding {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/**
 * Runs axe (WCAG 2.x A and AA rules) in a page or frame, on the whole document or inside the
 * elements `include` selects (an array of selectors pierces shadow roots: `[['host-tag', 'button']]`).
 * Evaluated through the DevTools protocol, so the frame's CSP (`script-src 'self'`) does not apply.
 */
export async function axeViolations(target: Page | Frame, include?: string[][]): Promise<AxeFinding[]> {
  await target.evaluate(await axeSource())
  return target.evaluate(
    async (context) => {
      const axe = (
        window as unknown as {
          axe: {
            run(
              context: unknown,
              options: unknown,
            ): Promise<{
              violations: Array<{
                id: string
                impact: string | null
                help: string
                nodes: Array<{ target: unknown[] }>
              }>
            }>
          }
        }
      ).axe
      const result = await axe.run(context ?? document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      })
      return result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => JSON.stringify(node.target)),
      }))
    },
    include === undefined ? null : { include },
  )
}

export function readRecords(): Records {
  return (window as unknown as { __threadlineE2e: Records }).__threadlineE2e
}

/**
 * The end-to-end harness for `threadline start` itself, not the demo: the real CLI (`pnpm threadline`,
 * the server's sources through tsx) on a fresh temp data dir, its mail sent over real SMTP to a
 * listener in the test, Chromium pages on its `/console/`, and host pages with the script tag for
 * the customer's side. Browsers, failure reports and `describeE2e` come from `harness.ts`.
 *
 * ```ts
 * const threadline = useThreadlineStart({ workspaces: [{ name: 'Shop', ownerEmail: 'olga@shop.example' }] })
 * const openDevice = useDevices()
 * it('…', async () => {
 *   const { page } = await openDevice()
 *   await signInToConsole(page, threadline.current, 'olga@shop.example')
 * })
 * ```
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { simpleParser } from 'mailparser'
import type { AddressObject } from 'mailparser'
import type { FrameLocator, Page } from 'playwright-core'
import { SMTPServer } from 'smtp-server'
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest'
import { composer, e2eUnavailableReason, serveStaticPages } from './harness.js'
import { createThrowawayCa, otherShopHost, shopHost, startSites } from './sites.js'
import type { HostSite, Sites } from './sites.js'

const repoRoot = resolve(import.meta.dirname, '..')
const serverDir = join(repoRoot, 'packages/server')

// ── mail: a real SMTP listener ────────────────────────────────────────────────────────────────────

export interface ReceivedMail {
  /** Its place in arrival order, from 0: `waitForMail({ after })` skips the ones before. */
  index: number
  to: string[]
  subject: string
  text: string
  /** The HTML part, or '' when the mail has none. */
  html: string
}

export interface SmtpInbox {
  /** `smtp://127.0.0.1:<port>`, for `SMTP_URL`. */
  readonly url: string
  /** How many mails arrived so far: pass it as `after` to wait for the next one only. */
  count(): number
  /** Every mail so far, in arrival order. */
  all(): ReceivedMail[]
  /** The first mail to `to` (whose subject matches) that arrived at `after` or later; waits up to 20 s. */
  waitForMail(options: { to: string; subject?: RegExp; after?: number }): Promise<ReceivedMail>
  close(): Promise<void>
}

/** An SMTP server on a free loopback port that keeps every mail it is handed, parsed (headers, text). */
export async function startSmtpInbox(): Promise<SmtpInbox> {
  const received: ReceivedMail[] = []
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            index: received.length,
            to: addresses(mail.to),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
          })
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })
  await new Promise<void>((resolvePromise) => smtp.listen(0, '127.0.0.1', () => resolvePromise()))
  return {
    url: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    count: () => received.length,
    all: () => [...received],
    waitForMail: ({ to, subject, after = 0 }) =>
      vi.waitFor(
        () => {
          const mail = received
            .slice(after)
            .find((candidate) => candidate.to.includes(to.toLowerCase()) && (subject?.test(candidate.subject) ?? true))
          if (!mail) throw new Error(`No mail to ${to}${subject ? ` with a subject like ${subject}` : ''} yet`)
          return mail
        },
        { timeout: 20_000, interval: 50 },
      ),
    close: () => new Promise<void>((resolvePromise) => smtp.close(() => resolvePromise())),
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return [field ?? []]
    .flat()
    .flatMap((group) => group.value)
    .map((address) => address.address?.toLowerCase() ?? '')
}

/** The 6-digit code in a mail's text. */
export function codeIn(mail: ReceivedMail): string {
  const code = /\b(\d{6})\b/.exec(mail.text)?.[1]
  if (!code) throw new Error(`No 6-digit code in the mail "${mail.subject}"`)
  return code
}

// ── the CLI ───────────────────────────────────────────────────────────────────────────────────────

export interface CliRun {
  exitCode: number | null
  stdout: string
  stderr: string
}

/** The `threadline` command as `pnpm threadline` runs it (tsx on the server's sources), to completion. */
export function runThreadline(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawnThreadline(args, env)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject)
    child.once('close', (exitCode) => resolvePromise({ exitCode, stdout, stderr }))
  })
}

function spawnThreadline(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(
    join(repoRoot, 'node_modules/.bin/tsx'),
    ['--conditions=source', join(serverDir, 'src/cli.ts'), ...args],
    // A clean environment: nothing of the developer's own THREADLINE_*, DATABASE_URL or SMTP_URL leaks in.
    { cwd: serverDir, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env } },
  )
}

interface RunningProcess {
  url: string
  stop(): Promise<void>
}

/** `threadline start`, resolved once it logs the line with its URL; its output goes to `log`. */
async function startThreadlineProcess(
  env: Record<string, string>,
  log: (line: string) => void,
): Promise<RunningProcess> {
  const child = spawnThreadline(['start'], env)
  const exited = new Promise<number | null>((resolvePromise) => child.once('exit', (code) => resolvePromise(code)))
  const lines = (prefix: string, onLine?: (line: string) => void) => {
    let rest = ''
    return (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n')
      rest = parts.pop() ?? ''
      for (const line of parts) {
        log(`${prefix}${line}`)
        onLine?.(line)
      }
    }
  }
  const url = await new Promise<string>((resolvePromise, reject) => {
    child.stdout?.on(
      'data',
      lines('', (line) => {
        const ready = /^Threadline listening on (\S+)/.exec(line)?.[1]
        if (ready) resolvePromise(ready)
      }),
    )
    child.stderr?.on('data', lines('[stderr] '))
    child.once('error', reject)
    void exited.then((code) => reject(new Error(`threadline start exited (${code}) before it was ready`)))
  })
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      // It closes its server and database on SIGTERM; a process that hangs is killed.
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Builds the console the server serves (`packages/console/dist`), so the tests see the sources as they are. */
export async function buildConsole(): Promise<void> {
  const started = performance.now()
  const run = await new Promise<CliRun>((resolvePromise, reject) => {
    // vitest sets NODE_ENV=test, which would give the tests a development build: they test what ships.
    const env = { ...process.env, NODE_ENV: 'production' }
    const child = spawn('pnpm', ['--filter', '@threadline/console', 'build'], { cwd: repoRoot, env })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('close', (exitCode) => resolvePromise({ exitCode, stdout: output, stderr: '' }))
  })
  if (run.exitCode !== 0) throw new Error(`Building the console failed (${run.exitCode}):\n${run.stdout}`)
  console.info(`built the agent console in ${Math.round(performance.now() - started)} ms`)
}

// ── the server under test ─────────────────────────────────────────────────────────────────────────

export interface WorkspaceSpec {
  name: string
  /** Made its owner, who signs in to the console with an emailed code (`--owner-email`). */
  ownerEmail?: string
  ownerName?: string
  origins?: string[]
}

export interface CreatedWorkspace {
  workspaceId: string
  secret: string
  agentKey: string
}

export interface StartedThreadline {
  /** `http://127.0.0.1:<port>`, as the ready line says. */
  readonly url: string
  readonly consoleUrl: string
  readonly dataDir: string
  /** Every mail the server sent, over SMTP. */
  readonly mail: SmtpInbox
  /** The workspaces made with `threadline workspace create … --json` before the start, by name. */
  readonly workspaces: Readonly<Record<string, CreatedWorkspace>>
  /** Another `threadline` command on the same data dir and SMTP (`advisor invite`, say); links point at `url`. */
  cli(args: string[]): Promise<CliRun>
  /**
   * A page of another origin carrying the script tag for the workspace, as a site owner pastes it
   * (loopback origins may use any workspace in development). Closed after the file's tests.
   */
  hostPage(options: { workspaceId: string; title?: string; body?: string; lang?: string }): Promise<string>
  /**
   * Moves the server's clock `milliseconds` ahead of real time (from real time, not from the last
   * move), through `THREADLINE_DEV_CLOCK_OFFSET_FILE`; only with `devClock: true`.
   */
  setClockOffset(milliseconds: number): Promise<void>
  /** The cross-site setup; only with `sites: true`. */
  readonly sites: CrossSites
}

/** `threadline start` behind HTTPS as `chat.vendor.test`, with the host sites `shop.test` and `other-shop.test`. */
export interface CrossSites {
  /** `https://chat.vendor.test:<port>`, the server's `PUBLIC_URL`. */
  readonly chatOrigin: string
  /** For `openDevice({ sites: { caSpkiSha256, thirdPartyCookies } })`. */
  readonly caSpkiSha256: string
  /** `https://<site>:<port>`; every workspace made by `useThreadlineStart` allows both host sites. */
  origin(site: HostSite): string
  /** A page with the script tag on `site` (at `path`, default `/`); resolves with its URL. */
  hostPage(options: { site: HostSite; workspaceId: string; path?: string; title?: string; body?: string }): string
  /** Any page of the test's own on `site` (the control checks' probes). */
  page(site: HostSite, path: string, html: string): string
  /** The HTTPS front drops the chat server's session cookies while on (a cookie that does not stick). */
  dropSessionCookies(on: boolean): void
}

export interface ThreadlineStartOptions {
  workspaces?: WorkspaceSpec[]
  /** Start with `THREADLINE_DEV_CLOCK_OFFSET_FILE` (a file in the data dir), for `setClockOffset`. */
  devClock?: boolean
  /**
   * Put the server behind one HTTPS listener as `chat.vendor.test` (`PUBLIC_URL`), with the host
   * sites `shop.test` and `other-shop.test` on it too, under a throwaway certificate authority made
   * for the file (`sites.ts`); the workspaces allow both host sites. Browsers for it:
   * `openDevice({ sites })`. Off by default: the loopback origins over HTTP.
   */
  sites?: boolean
}

/**
 * For the file's tests: a fresh data dir, an SMTP listener, the console built, the workspaces made
 * with the CLI, then `threadline start --port 0` (development mode, mail over SMTP). Stopped (SIGTERM)
 * and cleaned up after the file. The server's output is printed only for a test that fails.
 */
export function useThreadlineStart({ workspaces = [], devClock = false, sites = false }: ThreadlineStartOptions = {}): {
  readonly current: StartedThreadline
} {
  let current: StartedThreadline | undefined
  let running: RunningProcess | undefined
  let mail: SmtpInbox | undefined
  let dataDir: string | undefined
  let front: Sites | undefined
  const hostPages: Array<{ close(): Promise<void> }> = []
  const logs: string[] = []
  let firstLineOfTest = 0

  beforeAll(async () => {
    if (e2eUnavailableReason() !== null) return
    await buildConsole()
    dataDir = await mkdtemp(join(tmpdir(), 'threadline-e2e-start-'))
    mail = await startSmtpInbox()
    const clockFile = join(dataDir, 'clock-offset')
    const env: Record<string, string> = {
      THREADLINE_DATA_DIR: dataDir,
      SMTP_URL: mail.url,
      THREADLINE_MODE: 'development',
      ...(devClock ? { THREADLINE_DEV_CLOCK_OFFSET_FILE: clockFile } : {}),
    }
    if (sites) {
      front = await startSites(await createThrowawayCa(dataDir))
      env['PUBLIC_URL'] = front.chatOrigin
    }
    const siteOrigins = front ? [front.origin(shopHost), front.origin(otherShopHost)] : []
    const created: Record<string, CreatedWorkspace> = {}
    for (const spec of workspaces) {
      const args = ['workspace', 'create', '--name', spec.name, '--json']
      if (spec.ownerEmail) args.push('--owner-email', spec.ownerEmail)
      if (spec.ownerName) args.push('--owner-name', spec.ownerName)
      for (const origin of [...(spec.origins ?? []), ...siteOrigins]) args.push('--origin', origin)
      const run = await runThreadline(args, env)
      if (run.exitCode !== 0) throw new Error(`threadline ${args.join(' ')} failed (${run.exitCode}): ${run.stderr}`)
      created[spec.name] = JSON.parse(run.stdout) as CreatedWorkspace
    }
    running = await startThreadlineProcess({ ...env, PORT: '0' }, (line) => logs.push(line))
    const { url } = running
    front?.forwardChatTo(url)
    const inbox = mail
    const dir = dataDir
    const crossSites = front
    current = {
      url,
      consoleUrl: `${url}/console/`,
      dataDir: dir,
      mail: inbox,
      workspaces: created,
      cli: (args) => runThreadline(args, { PUBLIC_URL: url, ...env }),
      get sites(): CrossSites {
        if (!crossSites) throw new Error('current.sites needs useThreadlineStart({ sites: true })')
        return {
          chatOrigin: crossSites.chatOrigin,
          caSpkiSha256: crossSites.ca.caSpkiSha256,
          origin: (site) => crossSites.origin(site),
          page: (site, path, html) => crossSites.page(site, path, html),
          dropSessionCookies: (on) => crossSites.dropSessionCookies(on),
          hostPage: ({ site, workspaceId, path = '/', title = `A shop on ${site}`, body = '<p>A shop.</p>' }) =>
            crossSites.page(site, path, snippetPage({ chatUrl: crossSites.chatOrigin, workspaceId, title, body })),
        }
      },
      async setClockOffset(milliseconds) {
        if (!devClock) throw new Error('setClockOffset needs useThreadlineStart({ devClock: true })')
        await writeFile(clockFile, String(Math.round(milliseconds)))
      },
      async hostPage({ workspaceId, title = 'A shop', body = '<p>A shop with the chat bubble.</p>', lang }) {
        const page = await serveStaticPages({
          '/': {
            contentType: 'text/html; charset=utf-8',
            body: snippetPage({ chatUrl: url, workspaceId, title, body, ...(lang === undefined ? {} : { lang }) }),
          },
        })
        hostPages.push(page)
        return `${page.url}/`
      },
    }
  }, 120_000)
  beforeEach(() => {
    firstLineOfTest = logs.length
  })
  afterEach((context) => {
    if (context.task.result?.state === 'fail' && logs.length > firstLineOfTest) {
      console.error(`threadline start log during "${context.task.name}":\n${logs.slice(firstLineOfTest).join('\n')}`)
    }
  })
  afterAll(async () => {
    await Promise.all(hostPages.map((page) => page.close()))
    await running?.stop()
    await front?.close()
    await mail?.close()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  return {
    get current() {
      if (!current) throw new Error('threadline start did not start (see the beforeAll error)')
      return current
    },
  }
}

/** A bare host page with the snippet and the boot call, as a site owner pastes it. */
export function snippetPage({
  chatUrl,
  workspaceId,
  title,
  body,
  lang = 'en',
}: {
  chatUrl: string
  workspaceId: string
  title: string
  body: string
  /** The page's language, which the chat speaks unless the boot names another. */
  lang?: string
}): string {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body>
<main><h1>${title}</h1>${body}</main>
<script async src="${chatUrl}/widget/loader.js" data-workspace="${workspaceId}"></script>
<script>window.Threadline=window.Threadline||function(){(Threadline.q=Threadline.q||[]).push(arguments)};Threadline('boot', {})</script>
</body>
</html>`
}

// ── people: an advisor in the console, a customer in the widget ──────────────────────────────────

/**
 * Signs `email` in to the console at `consoleUrl` as a person does: the email, "Email me a code",
 * the code from the mail that arrived over SMTP, "Sign in". Resolves once the inbox shows.
 */
export async function signInToConsole(
  page: Page,
  threadline: StartedThreadline,
  email: string,
  { consoleUrl = threadline.consoleUrl }: { consoleUrl?: string } = {},
): Promise<void> {
  const after = threadline.mail.count()
  if (page.url() !== consoleUrl) await page.goto(consoleUrl)
  await page.getByLabel('Work email').fill(email)
  await page.getByRole('button', { name: 'Email me a code' }).click()
  const mail = await threadline.mail.waitForMail({ to: email, subject: /sign-in code/, after })
  await page.getByLabel('Sign-in code').fill(codeIn(mail))
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor({ state: 'visible', timeout: 20_000 })
}

/** In the open chat frame: the email, the code from the mail that arrived over SMTP, until the composer shows. */
export async function verifyCustomerEmail(
  frame: FrameLocator,
  threadline: StartedThreadline,
  email: string,
): Promise<void> {
  const after = threadline.mail.count()
  await frame.getByLabel('Email address').fill(email)
  await frame.getByRole('button', { name: 'Send me a code' }).click()
  const mail = await threadline.mail.waitForMail({ to: email, after })
  await frame.getByLabel('Verification code').fill(codeIn(mail))
  // The code field may verify by itself at six digits; click only if the button is still there.
  await frame
    .getByRole('button', { name: 'Verify', exact: true })
    .click({ timeout: 2_000 })
    .catch(() => undefined)
  await composer(frame).waitFor({ state: 'visible', timeout: 15_000 })
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openThreadline } from '@threadline/server'
import { afterEach, describe, expect, it } from 'vitest'
import { PortInUseError, startDemo } from './demo.js'
import type { RunningDemo } from './demo.js'
import { loadOrCreateServerSecret } from './demo-workspace.js'
import { signIdentityToken } from './identity-token.js'

const quiet = () => {}
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function temporaryDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-demo-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function start(dataDir: string, ports: { port?: number; sitePort?: number } = {}): Promise<RunningDemo> {
  const demo = await startDemo({ port: 0, sitePort: 0, ...ports, dataDir, log: quiet })
  cleanups.push(() => demo.close())
  return demo
}

async function identify(demo: RunningDemo, identityToken: string): Promise<Response> {
  return fetch(`${demo.chatUrl}/v1/auth/identify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-threadline-workspace': demo.workspaceId },
    body: JSON.stringify({ identityToken }),
  })
}

async function tokenFromSite(demo: RunningDemo): Promise<string> {
  const response = await fetch(`${demo.siteUrl}/api/identity-token`, { method: 'POST' })
  expect(response.status).toBe(200)
  const { identityToken } = (await response.json()) as { identityToken: string }
  return identityToken
}

/** Signs `email` in to the console as the page would (same origin, JSON), with the code from the dev mailbox. */
async function consoleSignIn(demo: RunningDemo, email: string): Promise<Response> {
  const post = (path: string, body: unknown) =>
    fetch(`${demo.chatUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', origin: demo.chatUrl },
      body: JSON.stringify(body),
    })
  expect((await post('/v1/console/sign-in/start', { email })).status).toBe(202)
  const mailbox = (await (await fetch(demo.mailboxUrl, { headers: { accept: 'application/json' } })).json()) as {
    messages: Array<{ to: string; subject: string; text: string }>
  }
  const mail = mailbox.messages.find((message) => message.to === email && message.subject.includes('sign-in code'))
  const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? 'no code mailed'
  return post('/v1/console/sign-in/verify', { email, code })
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const probe = createServer()
    probe.once('error', () => resolvePromise(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePromise(true)))
  })
}

describe('startDemo', () => {
  it('serves the shop on its own origin with the snippet pointing at the chat server', async () => {
    const demo = await start(temporaryDataDir())
    const chatOrigin = new URL(demo.chatUrl).origin
    expect(new URL(demo.siteUrl).origin).not.toBe(chatOrigin)

    const response = await fetch(`${demo.siteUrl}/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const html = await response.text()
    expect(html).toContain(
      `<script async src="${chatOrigin}/widget/loader.js" data-workspace="${demo.workspaceId}"></script>`,
    )
    expect(html).toContain("Threadline('boot'")
    expect(html).not.toContain('{{')
    expect(demo.workspaceId).toMatch(/^ws_/)
  })

  it('serves the strict page under a CSP that names the chat origin, with no inline script', async () => {
    const demo = await start(temporaryDataDir())
    const chatOrigin = new URL(demo.chatUrl).origin
    const response = await fetch(`${demo.siteUrl}/strict`)
    const policy = response.headers.get('content-security-policy') ?? ''
    expect(policy).toContain(`script-src 'self' ${chatOrigin}`)
    expect(policy).toContain(`frame-src ${chatOrigin}`)
    expect(policy).toContain("style-src 'self'")
    expect(policy).not.toContain('unsafe-inline')
    const scripts = [...(await response.text()).matchAll(/<script\b[^>]*>/g)].map((match) => match[0])
    expect(scripts).toEqual([
      `<script async src="${chatOrigin}/widget/loader.js" data-workspace="${demo.workspaceId}">`,
      '<script src="/strict.js">',
    ])
    const stub = await fetch(`${demo.siteUrl}/strict.js`)
    expect(stub.headers.get('content-type')).toContain('text/javascript')
    expect(await stub.text()).toContain("window.Threadline('boot'")
  })

  it("signs identity tokens on the site's backend that the chat server accepts, and only those", async () => {
    const demo = await start(temporaryDataDir())
    const identityToken = await tokenFromSite(demo)
    const [header] = identityToken.split('.')
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({
      alg: 'HS256',
      kid: expect.stringMatching(/^key_/),
    })

    const accepted = await identify(demo, identityToken)
    expect(accepted.status).toBe(200)
    const grant = (await accepted.json()) as {
      session: { method: string }
      customer: { externalId: string; email: string; emailVerified: boolean }
    }
    expect(grant.session.method).toBe('identity_token')
    expect(grant.customer).toMatchObject({ externalId: 'demo-user-ada', email: 'ada@example.com', emailVerified: true })

    // A page script that rewrites who the token names breaks the signature.
    const [, payload, signature] = identityToken.split('.')
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>
    const rewritten = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')
    expect((await identify(demo, `${header}.${rewritten}.${signature}`)).status).toBe(401)
    const kid = JSON.parse(Buffer.from(header ?? '', 'base64url').toString()).kid as string
    const otherSecret = signIdentityToken({ sub: 'demo-user-ada' }, { kid, secret: 'sk_not_the_workspace_secret' })
    expect((await identify(demo, otherSecret)).status).toBe(401)
  })

  it('offers the signed-in user an identification code: the button on /signin, the workspace in `offered` mode, codes minted with the site’s token only', async () => {
    const dataDir = temporaryDataDir()
    const demo = await start(dataDir)
    const page = await fetch(`${demo.siteUrl}/signin`)
    // Still the strict page: the code widget comes from the chat origin, like the loader.
    expect(page.headers.get('content-security-policy')).toContain(`script-src 'self' ${new URL(demo.chatUrl).origin}`)
    const html = await page.text()
    expect(html).toMatch(
      /<button type="button" id="show-code" data-threadline-identify[^>]*>\s*Show my identification code\s*<\/button>/,
    )
    expect(html).toContain('never by email or phone')
    const script = await (await fetch(`${demo.siteUrl}/signin.js`)).text()
    expect(script).toContain('identify.hidden = !signedIn')

    // The site owner's view (admin API, workspace secret): codes are recognised in chats, not required.
    const { secret } = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as { secret: string }
    const settings = await fetch(`${demo.chatUrl}/v1/admin/workspace`, {
      headers: { authorization: `Bearer ${secret}`, 'x-threadline-workspace': demo.workspaceId },
    })
    expect(settings.status).toBe(200)
    expect(
      ((await settings.json()) as { workspace: { identification: { mode: string } } }).workspace.identification.mode,
    ).toBe('offered')

    // What the widget does on the button's click: a code for the token's user, and none without a valid token.
    const mint = (identityToken: string) =>
      fetch(`${demo.chatUrl}/v1/identification-codes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-threadline-workspace': demo.workspaceId },
        body: JSON.stringify({ identityToken }),
      })
    const minted = await mint(await tokenFromSite(demo))
    expect(minted.status).toBe(200)
    const { code, expiresAt } = (await minted.json()) as { code: string; expiresAt: string }
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/)
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(4 * 60 * 1000)
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000)
    const forged = signIdentityToken(
      { sub: 'demo-user-ada' },
      { kid: 'key_unknown', secret: 'sk_not_the_workspace_secret' },
    )
    expect((await mint(forged)).status).toBe(401)
  })

  it('serves the agent console at /console/ (the build, or how to build it) and nothing outside it', async () => {
    const demo = await start(temporaryDataDir())
    expect(demo.consoleUrl).toBe(`${demo.chatUrl}/console/`)
    const response = await fetch(demo.consoleUrl)
    expect([200, 503]).toContain(response.status)
    expect(response.headers.get('content-type')).toContain('text/html')
    const html = await response.text()
    if (response.status === 503) expect(html).toContain('pnpm --filter @threadline/console build')
    else expect(html).toMatch(/<script type="module"[^>]* src="\/console\/assets\//)

    // Deep links fall back to the app; the API and the rest of the server are untouched.
    expect((await fetch(`${demo.consoleUrl}conversations/abc`)).status).toBe(response.status)
    expect((await fetch(`${demo.consoleUrl}assets/missing-file.js`)).status).toBe(404)
    expect((await fetch(`${demo.consoleUrl}..%2f..%2fpackage.json`)).status).toBe(404)
    expect((await fetch(`${demo.chatUrl}/console`, { redirect: 'manual' })).headers.get('location')).toBe('/console/')
    const agent = await fetch(`${demo.chatUrl}/v1/agent/conversations`, {
      headers: { authorization: `Bearer ${demo.agentKey}` },
    })
    expect(agent.status).toBe(200)
    expect((await fetch(`${demo.chatUrl}/no-such-route`)).status).toBe(404)
  })

  it('signs its advisor, the workspace owner, in to the console with the emailed code from the dev mailbox', async () => {
    const demo = await start(temporaryDataDir())
    expect(demo.consoleSignInUrl).toBe(`${demo.consoleUrl}#email=${demo.advisorEmail}`)
    const verified = await consoleSignIn(demo, demo.advisorEmail)
    expect(verified.status).toBe(200)
    expect(verified.headers.get('set-cookie')).toMatch(/^__Host-tl_console=/)
    expect(await verified.json()).toMatchObject({
      advisor: { name: 'Grace', email: demo.advisorEmail, role: 'owner' },
      workspace: { id: demo.workspaceId },
    })
  })

  describe('when restarted on the same data dir', () => {
    it('keeps the workspace, the agent key and the customers’ sessions', async () => {
      const dataDir = temporaryDataDir()
      const first = await start(dataDir)
      const grant = (await (await identify(first, await tokenFromSite(first))).json()) as { session: { token: string } }
      await first.close()

      const second = await start(dataDir)
      expect(second.workspaceId).toBe(first.workspaceId)
      expect(second.agentKey).toBe(first.agentKey)
      const agent = await fetch(`${second.chatUrl}/v1/agent/conversations`, {
        headers: { authorization: `Bearer ${second.agentKey}` },
      })
      expect(agent.status).toBe(200)
      const me = await fetch(`${second.chatUrl}/v1/me`, { headers: { authorization: `Bearer ${grant.session.token}` } })
      expect(me.status).toBe(200)
      expect((await identify(second, await tokenFromSite(second))).status).toBe(200)
    })
  })

  describe('when `threadline start` already made a "demo" workspace', () => {
    it('adopts it with a new advisor key and a rotated secret', async () => {
      const dataDir = temporaryDataDir()
      const cli = await openThreadline({
        database: { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') },
        secret: loadOrCreateServerSecret(dataDir),
        log: quiet,
      })
      const { workspaceId, agentKey: cliAgentKey } = await cli.createWorkspace({ name: 'demo', origins: [] })
      await cli.close()

      const demo = await start(dataDir)
      expect(demo.workspaceId).toBe(workspaceId)
      expect(demo.agentKey).not.toBe(cliAgentKey)
      const agent = await fetch(`${demo.chatUrl}/v1/agent/conversations`, {
        headers: { authorization: `Bearer ${demo.agentKey}` },
      })
      expect(agent.status).toBe(200)
      expect((await identify(demo, await tokenFromSite(demo))).status).toBe(200)
      // Its advisor had no email: the demo's advisor is added, so the console can be signed in to.
      const verified = await consoleSignIn(demo, demo.advisorEmail)
      expect(verified.status).toBe(200)
      expect(await verified.json()).toMatchObject({ advisor: { role: 'owner' }, workspace: { id: workspaceId } })
    })
  })

  it('frees both ports on close()', async () => {
    const demo = await start(temporaryDataDir())
    const ports = [Number(new URL(demo.chatUrl).port), Number(new URL(demo.siteUrl).port)]
    expect(await Promise.all(ports.map(canListen))).toEqual([false, false])
    await demo.close()
    expect(await Promise.all(ports.map(canListen))).toEqual([true, true])
  })

  it('says which port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((resolvePromise) => blocker.listen(0, '127.0.0.1', () => resolvePromise()))
    cleanups.push(() => new Promise<void>((resolvePromise) => blocker.close(() => resolvePromise())))
    const taken = (blocker.address() as { port: number }).port

    const error: unknown = await startDemo({ port: 0, sitePort: taken, dataDir: temporaryDataDir(), log: quiet }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(PortInUseError)
    expect(error).toMatchObject({ which: 'site', port: taken })
  })
})

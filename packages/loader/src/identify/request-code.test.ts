import { identificationCodeTtlMs } from '@threadline/protocol'
import { describe, expect, it, vi } from 'vitest'
import { codeLifetimeMs, requestCode } from './request-code.js'
import type { CodeRequest, CodeResult } from './request-code.js'

const chatOrigin = 'https://chat.example.com'
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

function request(fetch: CodeRequest['fetch'], overrides: Partial<CodeRequest> = {}): Promise<CodeResult> {
  return requestCode({
    chatOrigin,
    workspaceId: 'ws_shop',
    identityToken: 'jwt.of.ada',
    fetch,
    now: () => 1_000_000,
    signal: new AbortController().signal,
    ...overrides,
  })
}

describe('requestCode', () => {
  it('POSTs the identity token as JSON with the workspace header, no cookies, and answers the code with a deadline five minutes after the start', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () =>
      json({ code: 'K7QM-4XPT', expiresAt: '2030-01-01T00:05:00.000Z' }),
    )
    const result = await request(fetch)

    expect(result).toEqual({ ok: true, code: 'K7QM-4XPT', deadline: 1_000_000 + 5 * 60 * 1000 })
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe(`${chatOrigin}/v1/identification-codes`)
    expect(init?.method).toBe('POST')
    expect(new Headers(init?.headers).get('x-threadline-workspace')).toBe('ws_shop')
    expect(new Headers(init?.headers).get('content-type')).toBe('application/json')
    expect(JSON.parse(init?.body as string)).toEqual({ identityToken: 'jwt.of.ada' })
    expect(init?.credentials).toBe('omit')
  })

  it("counts the code's lifetime as the protocol does", () => {
    expect(codeLifetimeMs).toBe(identificationCodeTtlMs)
  })

  it('ignores the clock of the answer: a visitor clock far ahead still gets the full countdown', async () => {
    const fetch = async () => json({ code: 'K7QM-4XPT', expiresAt: '1999-01-01T00:00:00.000Z' })
    expect(await request(fetch, { now: () => Date.parse('2030-01-01T00:00:00.000Z') })).toMatchObject({
      ok: true,
      deadline: Date.parse('2030-01-01T00:05:00.000Z'),
    })
  })

  it.each([
    [400, 'signIn'],
    [401, 'signIn'],
    [429, 'busy'],
    [403, 'failed'],
    [500, 'failed'],
  ] as const)('answers %i as %s', async (status, problem) => {
    const fetch = async () => json({ error: { code: 'whatever', message: 'No' } }, status)
    expect(await request(fetch)).toEqual({ ok: false, problem })
  })

  it('treats a network failure, a body that is not JSON and a code of the wrong shape as failed', async () => {
    expect(await request(async () => Promise.reject(new TypeError('Failed to fetch')))).toEqual({
      ok: false,
      problem: 'failed',
    })
    expect(await request(async () => new Response('<html>', { status: 200 }))).toEqual({ ok: false, problem: 'failed' })
    expect(await request(async () => json({ code: '<img src=x>', expiresAt: '' }))).toEqual({
      ok: false,
      problem: 'failed',
    })
    expect(await request(async () => json({ code: 42 }))).toEqual({ ok: false, problem: 'failed' })
  })

  it('asks nothing without a token (logged out since): a sign-in problem', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>()
    expect(await request(fetch, { identityToken: undefined })).toEqual({ ok: false, problem: 'signIn' })
    expect(fetch).not.toHaveBeenCalled()
  })

  it('rethrows when its signal aborted (the dialog closed)', async () => {
    const controller = new AbortController()
    const fetch = async (_url: RequestInfo | URL, init?: RequestInit) => {
      controller.abort()
      throw init?.signal?.reason ?? new DOMException('Aborted', 'AbortError')
    }
    await expect(request(fetch, { signal: controller.signal })).rejects.toBeDefined()
  })
})

import { visitorRoutes } from '@threadline/protocol'
import type { Attachment, Conversation, Customer, EmailChallenge, Message, SessionGrant } from '@threadline/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { isApiError, isThreadlineError } from '../../errors/errors.js'
import { rejectionOf } from '../../rejection-of.test-helpers.js'
import { importWithThrowingBrowserGlobals } from '../../ssr.test-helpers.js'
import type { ChatAdapter } from '../types.js'
import { createHttpAdapter } from './create-http-adapter.js'
import { createFakeFetch, errorResponse, jsonResponse } from './fake-fetch.test-helpers.js'

const at = '2025-03-01T09:00:00.000Z'
const token = 'tok_0123456789abcdef0123'
const customer: Customer = { id: 'cus_1', email: 'ana@example.test', emailVerified: true, externalId: null, name: null }
const grant: SessionGrant = { session: { token, expiresAt: at, method: 'email' }, customer }
const challenge: EmailChallenge = {
  challengeId: 'chl_1',
  email: 'ana@example.test',
  expiresAt: at,
  resendAfterSeconds: 60,
}
const conversation: Conversation = {
  id: 'cnv_1',
  status: 'unanswered',
  assignee: null,
  createdAt: at,
  updatedAt: at,
  lastSeq: 1,
  customerLastReadSeq: 0,
  agentLastReadSeq: 0,
  agentLastReadAt: null,
  identification: 'not_identified',
  lastCodeOutcome: 'not_sent',
  awaitingIdentification: false,
  controller: 'advisors',
}
const message: Message = {
  id: 'msg_1',
  conversationId: 'cnv_1',
  clientId: 'c1',
  seq: 1,
  author: { kind: 'customer', id: 'cus_1', name: null, avatarUrl: null },
  text: 'Hi',
  attachments: [],
  createdAt: at,
  readAt: null,
}
const attachment: Attachment = {
  id: 'att_1',
  name: 'plan de salle.pdf',
  contentType: 'application/pdf',
  size: 4,
  url: null,
  scanState: 'clean',
}

function setup(options: { baseUrl?: string; timeoutMs?: number; locale?: string | (() => string | undefined) } = {}) {
  const fake = createFakeFetch()
  const adapter = createHttpAdapter({
    baseUrl: options.baseUrl ?? 'https://chat.example.test',
    workspaceId: 'ws_1',
    fetch: fake.fetch,
    timeoutMs: options.timeoutMs,
    locale: options.locale,
  })
  return { adapter, ...fake }
}

/** An adapter whose every request gets `answer`. */
function createFakeFetchAdapter(answer: () => Response) {
  const fake = createFakeFetch(answer)
  return {
    adapter: createHttpAdapter({ baseUrl: 'https://chat.example.test', workspaceId: 'ws_1', fetch: fake.fetch }),
    requests: fake.requests,
  }
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

afterEach(() => {
  vi.useRealTimers()
})

describe('createHttpAdapter', () => {
  describe('when imported and created', () => {
    it('touches no browser global and no fetch until a call is made', async () => {
      const { module, touched } = await importWithThrowingBrowserGlobals(
        async () => {
          const { createHttpAdapter: create } = await import('./create-http-adapter.js')
          return create({ baseUrl: 'https://chat.example.test', workspaceId: 'ws_1' })
        },
        { also: ['fetch'] },
      )
      expect(touched).toEqual([])
      expect(module.specificationVersion).toBe(1)
    })

    it('uses the global fetch of the moment when none is given', async () => {
      const adapter = createHttpAdapter({ baseUrl: 'https://chat.example.test', workspaceId: 'ws_1' })
      const fake = createFakeFetch(() => jsonResponse({ customer }))
      vi.stubGlobal('fetch', fake.fetch)
      expect(await adapter.getMe({ token })).toEqual(customer)
      expect(fake.requests).toHaveLength(1)
    })
  })

  describe('when it calls the API', () => {
    const cases: Array<{
      name: string
      route: { method: string; path: string }
      run: (adapter: ChatAdapter) => Promise<unknown>
      answer: Response | (() => Response)
      expected: unknown
      body?: unknown
      query?: Record<string, string>
      session: boolean
    }> = [
      {
        name: 'startEmailVerification',
        route: visitorRoutes.startEmailVerification,
        run: (adapter) => adapter.startEmailVerification({ email: 'ana@example.test' }),
        answer: () => jsonResponse(challenge),
        expected: challenge,
        body: { email: 'ana@example.test' },
        session: false,
      },
      {
        name: 'verifyEmail',
        route: visitorRoutes.verifyEmail,
        run: (adapter) => adapter.verifyEmail({ challengeId: 'chl_1', code: '123456' }),
        answer: () => jsonResponse(grant),
        expected: grant,
        body: { challengeId: 'chl_1', code: '123456' },
        session: false,
      },
      {
        name: 'identify',
        route: visitorRoutes.identify,
        run: (adapter) => adapter.identify({ identityToken: 'a.b.c' }),
        answer: () => jsonResponse(grant),
        expected: grant,
        body: { identityToken: 'a.b.c' },
        session: false,
      },
      {
        name: 'logout',
        route: visitorRoutes.logout,
        run: (adapter) => adapter.logout({ token }),
        answer: () => new Response(null, { status: 204 }),
        expected: undefined,
        session: true,
      },
      {
        name: 'getMe',
        route: visitorRoutes.me,
        run: (adapter) => adapter.getMe({ token }),
        answer: () => jsonResponse({ customer }),
        expected: customer,
        session: true,
      },
      {
        name: 'getConversation',
        route: visitorRoutes.getConversation,
        run: (adapter) => adapter.getConversation({ token }),
        answer: () => jsonResponse({ conversation: null }),
        expected: null,
        session: true,
      },
      {
        name: 'listMessages',
        route: visitorRoutes.listMessages,
        run: (adapter) => adapter.listMessages({ token, afterSeq: 3, limit: 20 }),
        answer: () => jsonResponse({ messages: [message], hasMore: false }),
        expected: { messages: [message], hasMore: false },
        query: { afterSeq: '3', limit: '20' },
        session: true,
      },
      {
        name: 'sendMessage',
        route: visitorRoutes.sendMessage,
        run: (adapter) => adapter.sendMessage({ token, clientId: 'c1', text: 'Hi', attachmentIds: ['att_1'] }),
        answer: () => jsonResponse({ message, conversation }),
        expected: { message, conversation },
        body: { clientId: 'c1', text: 'Hi', attachmentIds: ['att_1'] },
        session: true,
      },
      {
        name: 'markRead',
        route: visitorRoutes.markRead,
        run: (adapter) => adapter.markRead({ token, upToSeq: 4 }),
        answer: () => new Response(null, { status: 204 }),
        expected: undefined,
        body: { upToSeq: 4 },
        session: true,
      },
      {
        name: 'setTyping',
        route: visitorRoutes.setTyping,
        run: (adapter) => adapter.setTyping({ token, draft: 'Hel' }),
        answer: () => new Response(null, { status: 204 }),
        expected: undefined,
        body: { draft: 'Hel' },
        session: true,
      },
      {
        name: 'trackPageView',
        route: visitorRoutes.trackPageView,
        run: (adapter) =>
          adapter.trackPageView({ token, page: { url: 'https://shop.test/a', title: 'A', referrer: '' } }),
        answer: () => new Response(null, { status: 204 }),
        expected: undefined,
        body: { url: 'https://shop.test/a', title: 'A', referrer: '' },
        session: true,
      },
      {
        name: 'declineIdentification',
        route: visitorRoutes.declineIdentification,
        run: (adapter) => adapter.declineIdentification({ token, text: 'I have no account' }),
        answer: () => jsonResponse({ conversation }),
        expected: { conversation },
        body: { text: 'I have no account' },
        session: true,
      },
    ]

    for (const testCase of cases) {
      it(`${testCase.name}: ${testCase.route.method} ${testCase.route.path}, headers, body and answer`, async () => {
        const { adapter, requests, respond } = setup()
        respond(typeof testCase.answer === 'function' ? testCase.answer : () => testCase.answer as Response)
        expect(await testCase.run(adapter)).toEqual(testCase.expected)

        const [request] = requests
        expect(requests).toHaveLength(1)
        expect(request?.method).toBe(testCase.route.method)
        expect(`${request?.url.origin}${request?.url.pathname}`).toBe(`https://chat.example.test${testCase.route.path}`)
        expect(Object.fromEntries(request?.url.searchParams ?? [])).toEqual(testCase.query ?? {})
        expect(request?.headers.get('x-threadline-workspace')).toBe('ws_1')
        expect(request?.headers.get('authorization')).toBe(testCase.session ? `Bearer ${token}` : null)
        if (testCase.body === undefined) {
          expect(request?.body).toHaveLength(0)
        } else {
          expect(request?.headers.get('content-type')).toBe('application/json')
          expect(JSON.parse(decode(request?.body ?? new Uint8Array()))).toEqual(testCase.body)
        }
      })
    }

    it('never puts the session token in a URL (X2)', async () => {
      const { adapter, requests } = createFakeFetchAdapter(() => jsonResponse({ messages: [], hasMore: false }))
      await adapter.listMessages({ token, beforeSeq: 9 })
      const unsubscribe = adapter.subscribe({ token, handlers: { onEvent: () => {} } })
      await vi.waitFor(() =>
        expect(requests.map((request) => request.url.pathname)).toEqual(['/v1/conversation/messages', '/v1/events']),
      )
      unsubscribe()
      for (const request of requests) expect(request.url.href).not.toContain(token)
    })

    it('leaves out query parameters that were not given', async () => {
      const { adapter, requests } = createFakeFetchAdapter(() => jsonResponse({ messages: [], hasMore: false }))
      await adapter.listMessages({ token, beforeSeq: undefined, limit: 5 })
      expect(requests[0]?.url.search).toBe('?limit=5')
    })

    it('keeps a path prefix in baseUrl, with or without a trailing slash', async () => {
      for (const baseUrl of ['https://example.test/chat', 'https://example.test/chat/']) {
        const { adapter, requests, respond } = setup({ baseUrl })
        respond(() => jsonResponse({ customer }))
        await adapter.getMe({ token })
        expect(requests[0]?.url.href).toBe('https://example.test/chat/v1/me')
      }
    })
  })

  describe('when a locale is set', () => {
    it('sends it as Accept-Language on every visitor request: calls, uploads and the event stream', async () => {
      const { adapter, requests, respond } = setup({ locale: 'es-MX' })
      respond(
        () => jsonResponse({ message, conversation }),
        () => jsonResponse({ customer }),
        () => jsonResponse({ attachment }, { status: 201 }),
      )
      await adapter.sendMessage({ token, clientId: 'c1', text: 'Hola' })
      await adapter.getMe({ token })
      await adapter.uploadAttachment({ token, file: new Blob(['%PDF'], { type: 'application/pdf' }), name: 'plan.pdf' })
      respond(() => new Response(new ReadableStream(), { headers: { 'content-type': 'text/event-stream' } }))
      const unsubscribe = adapter.subscribe({ token, handlers: { onEvent: () => {} } })
      await vi.waitFor(() => expect(requests).toHaveLength(4))
      unsubscribe()
      expect(requests.map((request) => [request.url.pathname, request.headers.get('accept-language')])).toEqual([
        ['/v1/conversation/messages', 'es-MX'],
        ['/v1/me', 'es-MX'],
        ['/v1/uploads', 'es-MX'],
        ['/v1/events', 'es-MX'],
      ])
    })

    it('reads a function at each request, so a language that changes later is followed', async () => {
      let locale: string | undefined
      const { adapter, requests, respond } = setup({ locale: () => locale })
      respond(
        () => jsonResponse({ customer }),
        () => jsonResponse({ customer }),
        () => jsonResponse({ customer }),
      )
      await adapter.getMe({ token })
      locale = 'ar-EG'
      await adapter.getMe({ token })
      locale = 'fr'
      await adapter.getMe({ token })
      expect(requests.map((request) => request.headers.get('accept-language'))).toEqual([null, 'ar-EG', 'fr'])
    })

    it('sends none without a locale, leaving the browser its own', async () => {
      const { adapter, requests, respond } = setup()
      respond(() => jsonResponse({ customer }))
      await adapter.getMe({ token })
      expect(requests[0]?.headers.get('accept-language')).toBeNull()
    })

    it('sends only CORS-safelisted values, so the header never needs a preflight: es_MX as es-MX, others not at all', async () => {
      const sent = async (locale: string) => {
        const { adapter, requests, respond } = setup({ locale })
        respond(() => jsonResponse({ customer }))
        await adapter.getMe({ token })
        return requests[0]?.headers.get('accept-language') ?? null
      }
      expect(await sent('es_MX')).toBe('es-MX')
      expect(await sent('fr-CA,fr;q=0.9,en;q=0.1')).toBe('fr-CA,fr;q=0.9,en;q=0.1')
      expect(await sent('')).toBeNull()
      expect(await sent('de"')).toBeNull()
      expect(await sent('fr:CA')).toBeNull()
      expect(await sent('ü')).toBeNull()
      expect(await sent(`en,${'x'.repeat(126)}`)).toBeNull()
      expect(await sent(`en,${'x'.repeat(125)}`)).toHaveLength(128)
    })
  })

  describe('when a download link is asked for', () => {
    it('D7: gets the signed link for the URI-encoded id with the session token, never putting the token in the URL', async () => {
      const { adapter, requests, respond } = setup()
      const link = {
        url: 'https://chat.example.test/files/att_1?expires=1&disposition=attachment&signature=ab',
        expiresAt: at,
      }
      respond(() => jsonResponse(link))
      expect(await adapter.getAttachmentLink({ token, attachmentId: 'att_1/..' })).toEqual(link)
      expect(requests[0]?.method).toBe('GET')
      expect(requests[0]?.url.pathname).toBe('/v1/attachments/att_1%2F../link')
      expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${token}`)
      expect(requests[0]?.url.href).not.toContain(token)
    })

    it('D6: rejects with attachment_pending for a file that is not cleared yet', async () => {
      const { adapter, respond } = setup()
      respond(() =>
        jsonResponse({ error: { code: 'attachment_pending', message: 'not scanned yet' } }, { status: 409 }),
      )
      await expect(adapter.getAttachmentLink({ token, attachmentId: 'att_1' })).rejects.toMatchObject({
        code: 'attachment_pending',
      })
    })
  })

  describe('when a file is uploaded', () => {
    it('posts the raw bytes with their type and the URI-encoded name, and resolves with the attachment', async () => {
      const { adapter, requests, respond } = setup()
      respond(() => jsonResponse({ attachment }))
      const file = new Blob([Uint8Array.of(0x25, 0x50, 0x44, 0x46)], { type: 'application/pdf' })
      expect(await adapter.uploadAttachment({ token, file, name: 'plan de salle.pdf' })).toEqual(attachment)
      const [request] = requests
      expect(request?.method).toBe('POST')
      expect(request?.url.pathname).toBe('/v1/uploads')
      expect(request?.headers.get('authorization')).toBe(`Bearer ${token}`)
      expect(request?.headers.get('content-type')).toBe('application/pdf')
      expect(request?.headers.get('x-threadline-filename')).toBe('plan%20de%20salle.pdf')
      expect(Array.from(request?.body ?? [])).toEqual([0x25, 0x50, 0x44, 0x46])
    })

    it('sends application/octet-stream when the file has no type', async () => {
      const { adapter, requests, respond } = setup()
      respond(() => jsonResponse({ attachment }))
      await adapter.uploadAttachment({ token, file: new Blob(['abc']), name: 'notes.txt' })
      expect(requests[0]?.headers.get('content-type')).toBe('application/octet-stream')
    })

    it('is not cut short by the request timeout', async () => {
      vi.useFakeTimers()
      const { adapter, respond } = setup({ timeoutMs: 1_000 })
      respond(() => new Promise<Response>((resolve) => setTimeout(() => resolve(jsonResponse({ attachment })), 60_000)))
      const pending = adapter.uploadAttachment({
        token,
        file: new Blob(['abc'], { type: 'text/plain' }),
        name: 'a.txt',
      })
      await vi.advanceTimersByTimeAsync(60_000)
      expect(await pending).toEqual(attachment)
    })
  })

  describe('when the server refuses', () => {
    it('rejects with an ApiError carrying the protocol code, message, status and where', async () => {
      const { adapter, respond } = setup()
      respond(() => errorResponse(422, 'otp_invalid', 'That code is not right'))
      const error = await rejectionOf(adapter.verifyEmail({ challengeId: 'chl_1', code: '000000' }))
      expect(isApiError(error)).toBe(true)
      expect(error).toMatchObject({ name: 'ApiError', code: 'otp_invalid', status: 422, retryAfterSeconds: undefined })
      expect((error as Error).message).toBe(
        'That code is not right (422 POST https://chat.example.test/v1/auth/email/verify)',
      )
    })

    it('takes retryAfterSeconds from the body first, else from a Retry-After header in seconds or as a date', async () => {
      vi.useFakeTimers({ now: Date.parse('2025-03-01T09:00:00.000Z') })
      const { adapter, respond } = setup()
      respond(
        () => errorResponse(429, 'rate_limited', 'Slow down', { retryAfterSeconds: 42 }, { 'retry-after': '7' }),
        () => errorResponse(429, 'rate_limited', 'Slow down', {}, { 'retry-after': '7' }),
        () => errorResponse(429, 'rate_limited', 'Slow down', {}, { 'retry-after': 'Sat, 01 Mar 2025 09:01:30 GMT' }),
        () => errorResponse(429, 'rate_limited', 'Slow down', {}, { 'retry-after': 'soon' }),
      )
      const results = []
      for (let call = 0; call < 4; call++)
        results.push(await rejectionOf(adapter.startEmailVerification({ email: 'ana@example.test' })))
      expect(results.map((error) => (error as { retryAfterSeconds?: number }).retryAfterSeconds)).toEqual([
        42,
        7,
        90,
        undefined,
      ])
    })

    it('maps an answer without a protocol error body to the code its status implies', async () => {
      const { adapter, respond } = setup()
      respond(
        () => new Response('<h1>Bad gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } }),
        () => new Response('oops', { status: 500 }),
        () => jsonResponse({ error: { code: 'no_such_code', message: 'x' } }, { status: 401 }),
        () => new Response('', { status: 405 }),
      )
      const codes = []
      for (let call = 0; call < 4; call++) {
        const error = await rejectionOf(adapter.getMe({ token }))
        codes.push([(error as { code: string }).code, (error as { status: number }).status])
      }
      expect(codes).toEqual([
        ['unavailable', 502],
        ['internal_error', 500],
        ['unauthorized', 401],
        ['validation_failed', 405],
      ])
    })

    it('does not retry by itself, not even a GET after a 503 or a network failure', async () => {
      const { adapter, requests, respond } = setup()
      respond(
        () => errorResponse(503, 'unavailable', 'Down'),
        () => Promise.reject(new TypeError('fetch failed')),
      )
      expect(await rejectionOf(adapter.getMe({ token }))).toMatchObject({ code: 'unavailable' })
      expect(await rejectionOf(adapter.getConversation({ token }))).toMatchObject({ code: 'network_error' })
      expect(requests).toHaveLength(2)
    })
  })

  describe('when the answer breaks the protocol', () => {
    it('rejects with a ResponseValidationError naming the field', async () => {
      const { adapter, respond } = setup()
      respond(() => jsonResponse({ customer: { ...customer, emailVerified: 'yes' } }))
      const error = await rejectionOf(adapter.getMe({ token }))
      expect(error).toMatchObject({ name: 'ResponseValidationError', code: 'invalid_response' })
      expect((error as Error).message).toContain('customer.emailVerified')
    })

    it('rejects a body that is not JSON with a ResponseValidationError', async () => {
      const { adapter, respond } = setup()
      respond(() => new Response('<html>captive portal</html>', { status: 200 }))
      expect(await rejectionOf(adapter.getConversation({ token }))).toMatchObject({ name: 'ResponseValidationError' })
    })
  })

  describe('when the network fails', () => {
    it('rejects with a NetworkError that keeps the cause', async () => {
      const { adapter, respond } = setup()
      const cause = new TypeError('fetch failed')
      respond(() => Promise.reject(cause))
      const error = await rejectionOf(adapter.sendMessage({ token, clientId: 'c1', text: 'Hi' }))
      expect(error).toMatchObject({ name: 'NetworkError', code: 'network_error', cause })
      expect((error as Error).message).toContain('POST https://chat.example.test/v1/conversation/messages')
    })

    it('rejects a send when fetch fails before reading the body, as a refused connection does (ky 1.9 hung here)', async () => {
      const refusing = createHttpAdapter({
        baseUrl: 'https://chat.example.test',
        workspaceId: 'ws_1',
        fetch: () => Promise.reject(new TypeError('fetch failed')),
      })
      expect(await rejectionOf(refusing.sendMessage({ token, clientId: 'c1', text: 'Hi' }))).toMatchObject({
        code: 'network_error',
      })
    })

    it('rejects a send to a port nobody listens on with a NetworkError', async () => {
      const { createServer } = await import('node:net')
      const closed = createServer()
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
      const { port } = closed.address() as { port: number }
      await new Promise((resolve) => closed.close(resolve))
      const adapter = createHttpAdapter({ baseUrl: `http://127.0.0.1:${port}`, workspaceId: 'ws_1' })
      expect(await rejectionOf(adapter.sendMessage({ token, clientId: 'c1', text: 'Hi' }))).toMatchObject({
        code: 'network_error',
      })
    })

    it('rejects with a TimeoutError when no answer comes within timeoutMs, and aborts the request', async () => {
      vi.useFakeTimers()
      const { adapter, requests, respond } = setup({ timeoutMs: 5_000 })
      respond(() => new Promise<Response>(() => {}))
      const pending = rejectionOf(adapter.getMe({ token }))
      await vi.advanceTimersByTimeAsync(4_999)
      expect(requests[0]?.signal.aborted).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(await pending).toMatchObject({ name: 'TimeoutError', code: 'timeout' })
      expect(requests[0]?.signal.aborted).toBe(true)
    })

    it('rejects with a NetworkError when the body is cut off', async () => {
      const { adapter, respond } = setup()
      respond(
        () =>
          new Response(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('{"customer":'))
                controller.error(new TypeError('terminated'))
              },
            }),
          ),
      )
      expect(await rejectionOf(adapter.getMe({ token }))).toMatchObject({ code: 'network_error' })
    })
  })

  describe('when the signal is aborted', () => {
    it('rejects an already-aborted call with code aborted and sends nothing', async () => {
      const { adapter, requests } = setup()
      const error = await rejectionOf(
        adapter.sendMessage({ token, clientId: 'c1', text: 'Hi', signal: AbortSignal.abort() }),
      )
      expect(isThreadlineError(error)).toBe(true)
      expect(error).toMatchObject({ code: 'aborted' })
      expect(requests).toHaveLength(0)
    })

    it('rejects a call aborted in flight with code aborted, whatever the reason, and aborts the request', async () => {
      const { adapter, requests, respond } = setup()
      respond(() => new Promise<Response>(() => {}))
      const controller = new AbortController()
      const pending = rejectionOf(adapter.getMe({ token, signal: controller.signal }))
      await vi.waitFor(() => expect(requests).toHaveLength(1))
      const reason = new Error('navigated away')
      controller.abort(reason)
      expect(await pending).toMatchObject({ code: 'aborted', cause: reason })
      expect(requests[0]?.signal.aborted).toBe(true)
    })
  })
})

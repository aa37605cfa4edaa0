// @vitest-environment jsdom
import { createChatClient, createMemoryStorage, createSingleTabCoordinator, type ChatClient } from '@threadline/core'
import {
  createMemoryAdapter,
  createMemoryBackend,
  type MemoryAdapter,
  type MemoryBackend,
} from '@threadline/core/memory'
import { createI18n, loadCatalogue } from '@threadline/react'
import { act } from 'react'
import { createRoot } from 'react-dom/client'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { isFrameMessage, type FrameMessage, type HostMessage } from '../common/channel.js'
import { acceptConnection, type ConnectTarget } from './accept-connection.js'
import { FrameApp } from './frame-app.js'
import { startFrameChannel, type FrameChannel, type FrameViewState } from './frame-channel.js'
import { observeNewMessages } from './new-messages.js'

const hostOrigin = 'https://shop.example'
const connect = { threadline: 'connect', version: 1 }
const page = { url: 'https://shop.example/cart', title: 'Cart' }

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

/** A framed window: an event target whose `parent` is the host's window. */
function framedWindow() {
  const parent = { name: 'host window' }
  const target = Object.assign(new EventTarget(), { parent }) as unknown as ConnectTarget & EventTarget
  const deliver = (event: { source: unknown; origin: string; data: unknown; ports?: MessagePort[] }) =>
    target.dispatchEvent(Object.assign(new Event('message'), { ports: [], ...event }))
  return { target, parent, deliver }
}

function newPort(): MessagePort {
  const { port1, port2 } = new MessageChannel()
  cleanups.push(() => {
    port1.close()
    port2.close()
  })
  return port2
}

describe('acceptConnection', () => {
  it('E5: takes the port from the parent window at the host origin, once', () => {
    const { target, parent, deliver } = framedWindow()
    const accepted: MessagePort[] = []
    acceptConnection(target, hostOrigin, (port) => accepted.push(port))
    const first = newPort()
    deliver({ source: parent, origin: hostOrigin, data: connect, ports: [first] })
    deliver({ source: parent, origin: hostOrigin, data: connect, ports: [newPort()] })
    expect(accepted).toEqual([first])
  })

  it('E5: ignores a connect from another origin, even a near miss', () => {
    const { target, parent, deliver } = framedWindow()
    const accepted = vi.fn()
    acceptConnection(target, hostOrigin, accepted)
    for (const origin of [
      'https://evil.example',
      'https://shop.example.evil.example',
      'http://shop.example',
      'https://shop.example:8443',
      'null',
    ]) {
      deliver({ source: parent, origin, data: connect, ports: [newPort()] })
    }
    expect(accepted).not.toHaveBeenCalled()
    // Still waiting for the real one.
    const genuine = newPort()
    deliver({ source: parent, origin: hostOrigin, data: connect, ports: [genuine] })
    // By identity: a deep comparison of ports recurses forever.
    expect(accepted.mock.calls.length).toBe(1)
    expect(accepted.mock.calls[0]?.[0] === genuine).toBe(true)
  })

  it('E5: ignores a connect from a window other than the parent (a sibling frame, a popup)', () => {
    const { target, deliver } = framedWindow()
    const accepted = vi.fn()
    acceptConnection(target, hostOrigin, accepted)
    deliver({ source: { name: 'another window' }, origin: hostOrigin, data: connect, ports: [newPort()] })
    deliver({ source: null, origin: hostOrigin, data: connect, ports: [newPort()] })
    expect(accepted).not.toHaveBeenCalled()
  })

  it('ignores anything that is not a connect message with a port', () => {
    const { target, parent, deliver } = framedWindow()
    const accepted = vi.fn()
    acceptConnection(target, hostOrigin, accepted)
    deliver({ source: parent, origin: hostOrigin, data: connect })
    deliver({ source: parent, origin: hostOrigin, data: { threadline: 'connect', version: 2 }, ports: [newPort()] })
    deliver({ source: parent, origin: hostOrigin, data: 'connect', ports: [newPort()] })
    expect(accepted).not.toHaveBeenCalled()
  })

  it('connects to nobody when the page is not framed', () => {
    const target = new EventTarget() as EventTarget & { parent: unknown }
    target.parent = target
    const accepted = vi.fn()
    acceptConnection(target as unknown as ConnectTarget, hostOrigin, accepted)
    target.dispatchEvent(
      Object.assign(new Event('message'), { source: target, origin: hostOrigin, data: connect, ports: [newPort()] }),
    )
    expect(accepted).not.toHaveBeenCalled()
  })
})

interface Frame {
  backend: MemoryBackend
  client: ChatClient
  channel: FrameChannel
  /** Everything the frame posted to the host, in order (each checked with `isFrameMessage`). */
  received: FrameMessage[]
  renders: FrameViewState[]
  send(message: HostMessage | Record<string, unknown>): void
  /** Resolves once the host has received a message matching `expected`. */
  waitForMessage(expected: Partial<FrameMessage> & { type: FrameMessage['type'] }): Promise<void>
}

/** The frame's channel on a memory backend, with the loader's end of the port in the test's hands. */
function startFrame({
  backend = createMemoryBackend(),
  adapter = createMemoryAdapter({ backend }),
  random,
}: { backend?: MemoryBackend; adapter?: MemoryAdapter; random?: () => number } = {}): Frame {
  const feed = observeNewMessages(adapter)
  const client = createChatClient({
    adapter: feed.adapter,
    storage: createMemoryStorage(),
    tabs: createSingleTabCoordinator(),
    ...(random ? { random } : {}),
  })
  const { port1: frameEnd, port2: hostEnd } = new MessageChannel()
  const received: FrameMessage[] = []
  hostEnd.onmessage = (event: MessageEvent) => {
    if (!isFrameMessage(event.data))
      throw new Error(`The frame posted something the loader would refuse: ${JSON.stringify(event.data)}`)
    received.push(event.data)
  }
  const renders: FrameViewState[] = []
  const channel = startFrameChannel({
    port: frameEnd,
    client,
    newMessages: feed,
    render: (state) => renders.push(state),
    loadCatalogue,
    defaultLocale: 'en',
  })
  cleanups.push(() => {
    channel.close()
    client.destroy()
    frameEnd.close()
    hostEnd.close()
  })
  return {
    backend,
    client,
    channel,
    received,
    renders,
    send: (message) => hostEnd.postMessage(message),
    waitForMessage: (expected) => vi.waitFor(() => expect(received).toContainEqual(expect.objectContaining(expected))),
  }
}

const boot = (options: { identityToken?: string; locale?: string } = {}, open = false): HostMessage => ({
  type: 'boot',
  options,
  open,
  page,
})

async function signIn({ client, backend }: Frame, email = 'ada@example.com') {
  const started = await client.startEmailVerification(email)
  if (!started.ok) throw started.error
  const verified = await client.verifyEmail(backend.mailbox.latestCode(email) ?? '')
  if (!verified.ok) throw verified.error
  await vi.waitFor(() => expect(client.getState().connectionStatus).toBe('online'))
}

describe('startFrameChannel', () => {
  it('reports no session and nothing unread once storage is read, then ready after boot', async () => {
    const frame = startFrame()
    await frame.waitForMessage({ type: 'session', active: false })
    await frame.waitForMessage({ type: 'unread', count: 0 })
    expect(frame.renders).toEqual([])
    frame.send(boot({ locale: 'es-MX' }, true))
    await frame.waitForMessage({ type: 'ready' })
    expect(frame.renders.at(-1)).toMatchObject({
      open: true,
      locale: 'es-MX',
      messages: { closeChat: 'Cerrar el chat' },
    })
  })

  it('gives the chat locale for Accept-Language once booted, and keeps it when only the launcher changes language', async () => {
    const frame = startFrame()
    // Before the boot the chat has no language of its own: the browser's goes out.
    expect(frame.channel.chatLocale()).toBeUndefined()
    frame.send(boot({ locale: 'de-AT' }))
    await frame.waitForMessage({ type: 'ready' })
    expect(frame.channel.chatLocale()).toBe('de-AT')
    frame.send({ type: 'locale', locale: 'ar-EG' })
    // Port messages arrive in order: once the open is rendered, the locale message was handled.
    frame.send({ type: 'open' })
    await vi.waitFor(() => expect(frame.renders.at(-1)).toMatchObject({ open: true, locale: 'de-AT' }))
    expect(frame.channel.chatLocale()).toBe('de-AT')
  })

  it('signs in with the boot identity token and reports the session, then logs out', async () => {
    const frame = startFrame()
    const identityToken = frame.backend.identityTokens.mint({
      externalId: 'user_42',
      email: 'ada@example.com',
      emailVerified: true,
    })
    frame.send(boot({ identityToken }))
    await frame.waitForMessage({ type: 'session', active: true })
    expect(frame.client.getState().identity).toMatchObject({ status: 'identified' })
    // The token itself never goes back to the host.
    expect(JSON.stringify(frame.received)).not.toContain(identityToken)
    frame.send({ type: 'logout' })
    await vi.waitFor(() =>
      expect(frame.received.filter((message) => message.type === 'session')).toEqual([
        { type: 'session', active: false },
        { type: 'session', active: true },
        { type: 'session', active: false },
      ]),
    )
  })

  it('records the page views the host sends once there is a session', async () => {
    const frame = startFrame()
    frame.send(boot({ identityToken: frame.backend.identityTokens.mint({ externalId: 'user_7' }) }))
    await frame.waitForMessage({ type: 'session', active: true })
    frame.send({ type: 'page', page: { url: 'https://shop.example/checkout', title: 'Checkout' } })
    const customerId = frame.client.getState().identity.customer?.id ?? ''
    await vi.waitFor(() =>
      expect(frame.backend.agent.pageViews(customerId).map((view) => view.url)).toEqual([
        'https://shop.example/cart',
        'https://shop.example/checkout',
      ]),
    )
  })

  it('posts the unread count as it changes and a notice for each new message, never for history', async () => {
    const backend = createMemoryBackend()
    const earlier = startFrame({ backend })
    await signIn(earlier)
    await earlier.client.sendMessage({ text: 'Hello?' })
    await vi.waitFor(() => expect(backend.agent.findConversation({ email: 'ada@example.com' })).not.toBeNull())
    const conversationId = backend.agent.findConversation({ email: 'ada@example.com' })?.id ?? ''
    const history = backend.agent.reply(conversationId, 'An answer from before this page')

    const frame = startFrame({ backend })
    frame.send(boot())
    await signIn(frame)
    await frame.waitForMessage({ type: 'unread', count: 1 })
    const reply = backend.agent.reply(conversationId, 'Are you still there?')
    await frame.waitForMessage({ type: 'unread', count: 2 })
    await frame.waitForMessage({ type: 'message' })
    expect(frame.received.filter((message) => message.type === 'message')).toEqual([
      { type: 'message', message: { id: reply.id, author: 'agent', createdAt: Date.parse(reply.createdAt) } },
    ])
    expect(JSON.stringify(frame.received)).not.toContain(history.id)
    // Notices carry no text: the words stay in the frame.
    expect(JSON.stringify(frame.received)).not.toContain('still there')
  })

  it('posts one notice for a message that arrived while the stream was down and came with the catch-up', async () => {
    const backend = createMemoryBackend()
    const adapter = createMemoryAdapter({ backend })
    // The shortest reconnect backoff (half a second), so the test waits little.
    const frame = startFrame({ backend, adapter, random: () => 0 })
    frame.send(boot())
    await signIn(frame)
    await frame.client.sendMessage({ text: 'Hello?' })
    await vi.waitFor(() => expect(backend.agent.findConversation({ email: 'ada@example.com' })).not.toBeNull())
    const conversationId = backend.agent.findConversation({ email: 'ada@example.com' })?.id ?? ''
    const notices = () =>
      frame.received.flatMap((message) =>
        message.type === 'message' && message.message.author === 'agent' ? [message.message.id] : [],
      )
    const live = backend.agent.reply(conversationId, 'Before the outage')
    await vi.waitFor(() => expect(notices()).toEqual([live.id]))

    adapter.setOnline(false)
    await vi.waitFor(() => expect(frame.client.getState().connectionStatus).toBe('reconnecting'))
    const missed = backend.agent.reply(conversationId, 'During the outage')
    adapter.setOnline(true)
    await vi.waitFor(() => expect(frame.client.getState().connectionStatus).toBe('online'), { timeout: 5_000 })
    await vi.waitFor(() => expect(frame.client.getState().messages.map((message) => message.id)).toContain(missed.id))
    await vi.waitFor(() => expect(notices()).toEqual([live.id, missed.id]))

    // Later catch-ups (a second outage with nothing missed) and live messages notify nothing twice.
    adapter.setOnline(false)
    await vi.waitFor(() => expect(frame.client.getState().connectionStatus).toBe('reconnecting'))
    adapter.setOnline(true)
    await vi.waitFor(() => expect(frame.client.getState().connectionStatus).toBe('online'), { timeout: 5_000 })
    const after = backend.agent.reply(conversationId, 'After the outage')
    await vi.waitFor(() => expect(notices()).toEqual([live.id, missed.id, after.id]))

    // A lost event: the next one shows the gap, and the catch-up brings both, one of them again.
    adapter.faults.set({ dropEventRate: 1 })
    const dropped = backend.agent.reply(conversationId, 'Its event is lost')
    // The backend publishes in a microtask: let it drop, then heal the network.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(frame.client.getState().messages.map((message) => message.id)).not.toContain(dropped.id)
    adapter.faults.reset()
    const revealing = backend.agent.reply(conversationId, 'Its event shows the gap')
    await vi.waitFor(() => expect(frame.client.getState().messages.map((message) => message.id)).toContain(dropped.id))
    await vi.waitFor(() => expect(notices()).toEqual([live.id, missed.id, after.id, revealing.id, dropped.id]))
    expect(frame.received.filter((message) => message.type === 'message' && message.message.id === missed.id)).toEqual([
      { type: 'message', message: { id: missed.id, author: 'agent', createdAt: Date.parse(missed.createdAt) } },
    ])
  })

  it('words the launcher name with the unread count in the launcher language, from the chat catalogue, and again after a locale message', async () => {
    const backend = createMemoryBackend()
    const earlier = startFrame({ backend })
    await signIn(earlier)
    await earlier.client.sendMessage({ text: 'Hello?' })
    await vi.waitFor(() => expect(backend.agent.findConversation({ email: 'ada@example.com' })).not.toBeNull())
    const conversationId = backend.agent.findConversation({ email: 'ada@example.com' })?.id ?? ''
    backend.agent.reply(conversationId, 'One')
    backend.agent.reply(conversationId, 'Two')

    const frame = startFrame({ backend })
    frame.send(boot({ locale: 'es-MX' }))
    await frame.waitForMessage({ type: 'ready' })
    await signIn(frame)
    const spanish = await loadCatalogue('es-MX')
    await frame.waitForMessage({
      type: 'unread',
      count: 2,
      label: createI18n({ locale: 'es-MX', messages: spanish }).t('openChatUnread', { count: 2 }),
    })
    expect(frame.received.find((message) => message.type === 'unread' && message.count === 2)).toMatchObject({
      label: 'Abrir el chat, 2 mensajes sin leer',
    })

    frame.send({ type: 'locale', locale: 'ar-EG' })
    const arabic = createI18n({ locale: 'ar-EG', messages: await loadCatalogue('ar-EG') }).t('openChatUnread', {
      count: 2,
    })
    await frame.waitForMessage({ type: 'unread', count: 2, label: arabic })
    // The chat itself keeps the language it booted in.
    expect(frame.renders.at(-1)).toMatchObject({ locale: 'es-MX' })
    // Nothing unread: no label, the launcher shows its own open label.
    expect(
      frame.received
        .filter((message) => message.type === 'unread' && message.count === 0)
        .every((message) => !('label' in message)),
    ).toBe(true)
  })

  it('ignores messages that are not host messages', async () => {
    const frame = startFrame()
    await frame.waitForMessage({ type: 'session', active: false })
    frame.send({ type: 'boot', options: {}, open: 'yes', page })
    frame.send({ type: 'boot', options: { identityToken: 42 }, open: true, page })
    frame.send({ type: 'identify' })
    frame.send({ type: 'evaluate', code: 'alert(1)' })
    // A genuine message after them shows the earlier ones had their chance to be handled.
    frame.send({ type: 'open' })
    frame.send(boot())
    await frame.waitForMessage({ type: 'ready' })
    expect(frame.renders).toHaveLength(1)
    // No locale in the boot: the browser's.
    expect(frame.renders[0]).toMatchObject({ open: true, locale: navigator.language })
    expect(frame.client.getState().identity.status).toBe('anonymous')
  })

  it('opens and closes on command, and tells the host when the customer closes from inside', async () => {
    const frame = startFrame()
    frame.send(boot())
    await frame.waitForMessage({ type: 'ready' })
    frame.send({ type: 'open' })
    await vi.waitFor(() => expect(frame.renders.at(-1)?.open).toBe(true))
    frame.send({ type: 'close' })
    await vi.waitFor(() => expect(frame.renders.at(-1)?.open).toBe(false))
    // The host closed it: nothing to tell the host.
    expect(frame.received.some((message) => message.type === 'close')).toBe(false)

    frame.send({ type: 'open' })
    await vi.waitFor(() => expect(frame.renders.at(-1)?.open).toBe(true))
    frame.renders.at(-1)?.onClose()
    expect(frame.renders.at(-1)?.open).toBe(false)
    await frame.waitForMessage({ type: 'close' })
  })
})

describe('FrameApp', () => {
  function mount(client: ChatClient, props: { open: boolean; onClose?: () => void }) {
    Object.assign(globalThis, { IS_REACT_ACT_ENVIRONMENT: true })
    const container = document.body.appendChild(document.createElement('div'))
    const root = createRoot(container)
    const onClose = props.onClose ?? vi.fn()
    const render = (open: boolean) =>
      act(async () =>
        root.render(<FrameApp client={client} open={open} locale="en" messages={undefined} onClose={onClose} />),
      )
    cleanups.push(() => {
      act(() => root.unmount())
      container.remove()
    })
    return { container, render }
  }

  it('closes from the header button and from Escape', async () => {
    const frame = startFrame()
    const onClose = vi.fn()
    const { container, render } = mount(frame.client, { open: true, onClose })
    await render(true)
    const close = container.querySelector<HTMLButtonElement>('button[aria-label="Close chat"]')
    act(() => close?.click())
    expect(onClose).toHaveBeenCalledTimes(1)
    act(() => void document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })))
    expect(onClose).toHaveBeenCalledTimes(2)
  })

  it('puts focus where the customer types, also when that field appears after opening', async () => {
    const frame = startFrame()
    const { container, render } = mount(frame.client, { open: false })
    await render(false)
    // Closed: inert, and nothing inside took focus from the host page.
    expect(container.contains(document.activeElement)).toBe(false)
    await render(true)
    await act(() => frame.client.ready)
    expect(document.activeElement?.getAttribute('type')).toBe('email')
    // The host's identity token replaces the gate with the conversation: focus follows to the message box.
    const identityToken = frame.backend.identityTokens.mint({ externalId: 'user_1' })
    await act(async () => void (await frame.client.identify({ getToken: () => identityToken })))
    expect(document.activeElement?.tagName).toBe('TEXTAREA')
  })

  it('does not mark messages read while closed, and does once opened', async () => {
    const frame = startFrame()
    await signIn(frame)
    await frame.client.sendMessage({ text: 'Hello?' })
    await vi.waitFor(() => expect(frame.client.getState().conversation).not.toBeNull())
    const conversationId = frame.client.getState().conversation?.id ?? ''
    frame.backend.agent.reply(conversationId, 'Hi! How can I help?')
    await vi.waitFor(() => expect(frame.client.getState().unreadCount).toBe(1))

    const { container, render } = mount(frame.client, { open: false })
    await render(false)
    expect(container.querySelector('.tl-frame')?.hasAttribute('inert')).toBe(true)
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    expect(frame.client.getState().unreadCount).toBe(1)
    expect(frame.backend.agent.findConversation({ email: 'ada@example.com' })?.customerLastReadSeq).toBe(0)

    await render(true)
    expect(container.querySelector('.tl-frame')?.hasAttribute('inert')).toBe(false)
    await act(() =>
      vi.waitFor(() =>
        expect(frame.backend.agent.findConversation({ email: 'ada@example.com' })?.customerLastReadSeq).toBeGreaterThan(
          0,
        ),
      ),
    )
    expect(document.activeElement?.tagName).toBe('TEXTAREA')
  })
})

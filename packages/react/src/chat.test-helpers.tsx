import {
  createChatClient,
  createMemoryStorage,
  createSingleTabCoordinator,
  type ChatClient,
  type SessionKeeperFactory,
} from '@threadline/core'
import {
  createMemoryAdapter,
  createMemoryBackend,
  type MemoryAdapter,
  type MemoryBackend,
} from '@threadline/core/memory'
import { cleanup, render, waitFor, type RenderResult } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, expect } from 'vitest'
import { axe } from 'vitest-axe'
import { ThreadlineProvider, type ThreadlineProviderProps } from './provider/threadline-provider.js'

export interface Chat {
  backend: MemoryBackend
  adapter: MemoryAdapter
  client: ChatClient
}

const created: ChatClient[] = []
afterEach(() => {
  // Vitest runs without globals, so testing-library cannot register its own cleanup.
  cleanup()
  for (const client of created.splice(0)) client.destroy()
})

/** A real client on a memory backend (no mocks of core), destroyed after the test. */
export function createChat({
  backend = createMemoryBackend(),
  pageSize,
  sessionKeeper,
}: { backend?: MemoryBackend; pageSize?: number; sessionKeeper?: SessionKeeperFactory } = {}): Chat {
  const adapter = createMemoryAdapter({ backend })
  const client = createChatClient({
    adapter,
    storage: createMemoryStorage(),
    tabs: createSingleTabCoordinator(),
    ...(pageSize ? { pageSize } : {}),
    ...(sessionKeeper ? { sessionKeeper } : {}),
  })
  created.push(client)
  return { backend, adapter, client }
}

/** Verifies `email` through the client (the gate itself is tested in email-gate.test.tsx). */
export async function signIn({ client, backend }: Chat, email = 'ada@example.com'): Promise<string> {
  const started = await client.startEmailVerification(email)
  if (!started.ok) throw started.error
  const verified = await client.verifyEmail(backend.mailbox.latestCode(email) ?? '')
  if (!verified.ok) throw verified.error
  await waitFor(() => expect(client.getState().connectionStatus).toBe('online'))
  return verified.value.id
}

/** Sends one message as the customer and waits for the server to acknowledge it. */
export async function sendAndWait({ client }: Chat, text: string): Promise<void> {
  const sent = await client.sendMessage({ text })
  if (!sent.ok) throw sent.error
  await waitFor(() =>
    expect(client.getState().messages.find((message) => message.clientId === sent.value.clientId)?.delivery).toBe(
      'sent',
    ),
  )
}

export function conversationId({ client }: Chat): string {
  const id = client.getState().conversation?.id
  if (!id) throw new Error('No conversation yet')
  return id
}

export function renderChat(
  chat: Chat,
  ui: ReactNode,
  options: Omit<ThreadlineProviderProps, 'client' | 'children'> = {},
): RenderResult {
  // A wrapper, so `rerender` keeps the provider.
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ThreadlineProvider client={chat.client} timeZone="UTC" {...options}>
      {children}
    </ThreadlineProvider>
  )
  return render(ui, { wrapper })
}

/** axe over the rendered tree. `region` is off: an embeddable widget cannot choose the host page's landmarks. */
export async function expectAccessible(container: Element): Promise<void> {
  const { violations } = await axe(container, { rules: { region: { enabled: false } } })
  // One readable line per violation, so a failure names the rule and the offending elements.
  expect(
    violations.map(
      (violation) =>
        `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([])
}

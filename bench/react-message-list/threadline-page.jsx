import {
  createChatClient,
  createMemoryAdapter,
  createMemoryStorage,
  createSingleTabCoordinator,
} from '@threadline/core'
import { MessageList, ThreadlineProvider } from '@threadline/react'
import { createRoot } from 'react-dom/client'
import '../../packages/react/src/styles/threadline.css'
import { requestedMessageCount, runListBench } from './measure.ts'
import { createBenchThread } from './thread.ts'

const customer = {
  id: 'cus_bench',
  email: 'sam@example.com',
  emailVerified: true,
  externalId: null,
  name: 'Sam Customer',
}
const agent = { id: 'agt_bench', name: 'Alex', avatarUrl: null }

/**
 * The store as the client holds it once the whole thread has been loaded. It is written directly:
 * the backend pages history 100 messages at a time, and the bench measures rendering, not paging.
 * @param {import('./thread.ts').BenchMessage[]} thread
 * @returns {Partial<import('@threadline/core').ChatState>}
 */
function loadedState(thread) {
  const last = thread.at(-1)
  const iso = (/** @type {number} */ time) => new Date(time).toISOString()
  return {
    ready: true,
    identity: { status: 'verified', customer, verification: null, busy: false },
    conversation: {
      id: 'cnv_bench',
      status: 'active',
      assignee: agent,
      createdAt: iso(thread[0]?.createdAt ?? 0),
      updatedAt: iso(last?.createdAt ?? 0),
      lastSeq: last?.seq ?? 0,
      customerLastReadSeq: last?.seq ?? 0,
      agentLastReadSeq: last?.seq ?? 0,
      agentLastReadAt: iso(last?.createdAt ?? 0),
    },
    messages: thread.map((message) => ({
      key: `msg_${message.seq}`,
      id: `msg_${message.seq}`,
      clientId: message.from === 'customer' ? `client-${message.seq}` : null,
      seq: message.seq,
      author:
        message.from === 'customer'
          ? { kind: 'customer', id: customer.id, name: customer.name, avatarUrl: null }
          : { kind: 'agent', id: agent.id, name: agent.name, avatarUrl: null },
      text: message.text,
      attachments: [],
      createdAt: message.createdAt,
      delivery: 'sent',
      readAt: message.createdAt + 60_000,
      error: null,
    })),
    hasOlder: false,
    connectionStatus: 'online',
    unreadCount: 0,
  }
}

const count = requestedMessageCount()
const client = createChatClient({
  adapter: createMemoryAdapter(),
  storage: createMemoryStorage(),
  tabs: createSingleTabCoordinator(),
})
// Only after the client has read its (empty) storage, so nothing it does afterwards overwrites the thread.
await client.ready
client.store.setState(loadedState(createBenchThread(count)))

void runListBench({
  messages: count,
  mount: (container) =>
    createRoot(container).render(
      <ThreadlineProvider client={client} locale="en" timeZone="UTC">
        <div className="tl-root tl-bench">
          <MessageList markRead={false} />
        </div>
      </ThreadlineProvider>,
    ),
})

// @vitest-environment jsdom
import { act, renderHook, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { describe, expect, it } from 'vitest'
import { conversationId, createChat, sendAndWait, signIn, type Chat } from '../chat.test-helpers.js'
import { ThreadlineProvider } from '../provider/threadline-provider.js'
import { useChatState } from './use-chat-state.js'
import { useConnection } from './use-connection.js'
import { useConversation } from './use-conversation.js'
import { useIdentity } from './use-identity.js'
import { useMessages } from './use-messages.js'
import { useUnreadCount } from './use-unread-count.js'

const wrapperFor =
  ({ client }: Chat) =>
  ({ children }: { children: ReactNode }) => <ThreadlineProvider client={client}>{children}</ThreadlineProvider>

describe('hooks', () => {
  describe('when the store changes', () => {
    it('give the selected state as it changes', async () => {
      const chat = createChat()
      const { result } = renderHook(
        () => ({
          identity: useIdentity(),
          connection: useConnection(),
          conversation: useConversation(),
          messages: useMessages(),
          unread: useUnreadCount(),
        }),
        { wrapper: wrapperFor(chat) },
      )
      await waitFor(() => expect(result.current.identity.status).toBe('anonymous'))
      await act(() => signIn(chat))
      await act(() => sendAndWait(chat, 'Hello'))
      act(() => void chat.backend.agent.reply(conversationId(chat), 'Hi'))
      await waitFor(() => expect(result.current.unread).toBe(1))
      expect(result.current.identity.customer?.email).toBe('ada@example.com')
      expect(result.current.connection).toBe('online')
      expect(result.current.conversation?.status).toBe('active')
      expect(result.current.messages.map((message) => message.text)).toEqual(['Hello', 'Hi'])
    })

    it('re-render only when the selected value changes', async () => {
      const chat = createChat()
      let renders = 0
      const { result } = renderHook(
        () => {
          renders++
          return useChatState((state) => state.unreadCount)
        },
        { wrapper: wrapperFor(chat) },
      )
      await act(() => signIn(chat))
      await act(() => sendAndWait(chat, 'Hello'))
      const before = renders
      // The store changes (an advisor types), the selected unread count does not.
      act(() => chat.backend.agent.startTyping(conversationId(chat)))
      await waitFor(() => expect(chat.client.getState().agentTyping).not.toBeNull())
      expect(renders).toBe(before)
      act(() => void chat.backend.agent.reply(conversationId(chat), 'Hi'))
      await waitFor(() => expect(result.current).toBe(1))
      expect(renders).toBe(before + 1)
    })
  })

  describe('when used outside a provider', () => {
    it('throws a clear error', () => {
      expect(() => renderHook(() => useMessages())).toThrow(/inside <ThreadlineProvider/)
    })
  })
})

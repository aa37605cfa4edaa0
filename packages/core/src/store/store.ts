import { createStore, type StoreApi } from 'zustand/vanilla'
import { createInitialState, type ChatState } from './state.js'

export type ChatStore = StoreApi<ChatState>

export function createChatStore(): ChatStore {
  return createStore<ChatState>()(() => createInitialState())
}

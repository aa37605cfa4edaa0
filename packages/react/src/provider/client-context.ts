import type { ChatClient } from '@threadline/core'
import { createContext, useContext } from 'react'

export const ClientContext = createContext<ChatClient | null>(null)

/** The client given to the nearest `ThreadlineProvider`. */
export function useThreadlineClient(): ChatClient {
  const client = useContext(ClientContext)
  // A programmer mistake, not an operational failure: throwing is right here.
  if (!client)
    throw new Error('Threadline components and hooks must be rendered inside <ThreadlineProvider client={…}>')
  return client
}

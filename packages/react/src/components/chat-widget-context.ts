import { createContext, useContext, type RefObject } from 'react'

export interface ChatWidgetContextValue {
  open: boolean
  setOpen(open: boolean): void
  panelId: string
  launcherRef: RefObject<HTMLButtonElement | null>
}

export const ChatWidgetContext = createContext<ChatWidgetContextValue | null>(null)

/** The surrounding `ChatWidget`'s open state, or null outside one (e.g. in an inline `ChatPanel`). */
export function useChatWidget(): ChatWidgetContextValue | null {
  return useContext(ChatWidgetContext)
}

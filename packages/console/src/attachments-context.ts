import type { AgentAttachmentClient } from '@threadline/api'
import { createContext, useContext } from 'react'

/**
 * The signed-in advisor's file calls (the console session's `attachments`), given once at the top
 * so the thread and the composer reach them without every screen in between passing them on.
 * Without a provider, files show by name only and the composer offers no attach button.
 */
export const AttachmentsContext = createContext<AgentAttachmentClient | null>(null)

export const useAttachmentsClient = (): AgentAttachmentClient | null => useContext(AttachmentsContext)

import { createChatClient, createHttpAdapter } from '@threadline/core'

const baseUrl = process.env.NEXT_PUBLIC_THREADLINE_URL
const workspaceId = process.env.NEXT_PUBLIC_THREADLINE_WORKSPACE

/**
 * One client per page, created outside React. This module also runs during server rendering,
 * where the client touches no browser global and falls back to memory storage; the effects that
 * identify or log out run in the browser only. `null` until the two settings are there.
 */
export const client =
  baseUrl && workspaceId
    ? createChatClient({ adapter: createHttpAdapter({ baseUrl, workspaceId }), namespace: workspaceId })
    : null

import { createChatClient, createHttpAdapter } from '@threadline/core'

const baseUrl = import.meta.env.VITE_THREADLINE_URL
const workspaceId = import.meta.env.VITE_THREADLINE_WORKSPACE
if (!baseUrl || !workspaceId) {
  throw new Error('Set VITE_THREADLINE_URL and VITE_THREADLINE_WORKSPACE (pnpm start:react sets both)')
}

/** One client for the whole page, created outside React; the components read it through the provider. */
export const client = createChatClient({
  adapter: createHttpAdapter({ baseUrl, workspaceId }),
  namespace: workspaceId,
})

/**
 * The chat frame: the page the loader puts in its iframe (`/widget/frame.html?workspace=…&origin=…`).
 * It waits for the loader's connect message, then runs the chat over the port it carries. The
 * session lives in the server's partitioned HttpOnly cookie, or for this visit in the frame's own
 * `sessionStorage`, out of reach of the host page (docs/sessions.md, docs/security.md A14, A17).
 */
import { cookieSessionKeeper, createChatClient, createHttpAdapter, createIndexedDbStorage } from '@threadline/core'
import '@threadline/react/styles.css'
import { loadCatalogue } from '@threadline/react'
import { createRoot } from 'react-dom/client'
import { acceptConnection } from './accept-connection.js'
import { createFallbackStorage } from './fallback-storage.js'
import { FrameApp } from './frame-app.js'
import { startFrameChannel } from './frame-channel.js'
import type { FrameChannel } from './frame-channel.js'
import { readFrameParams } from './frame-params.js'
import { observeNewMessages } from './new-messages.js'
import './frame.css'

function main(): void {
  const params = readFrameParams(location.search)
  const container = document.getElementById('root')
  if (!params || !container) {
    console.error('Threadline: this page is the chat frame; the loader opens it with ?workspace=…&origin=…')
    return
  }
  let channel: FrameChannel | undefined
  // The server writes its automatic replies in the chat's language, which the host's boot decides
  // later: read at each request. Before the boot, the browser's own Accept-Language goes out.
  const adapter = createHttpAdapter({
    baseUrl: location.origin,
    workspaceId: params.workspaceId,
    locale: () => channel?.chatLocale(),
  })
  const feed = observeNewMessages(adapter)
  let outboxInMemory = false
  const client = createChatClient({
    adapter: feed.adapter,
    // The outbox in IndexedDB, or in memory when even that is refused (docs/sessions.md).
    storage: createFallbackStorage(createIndexedDbStorage, (error) => {
      outboxInMemory = true
      console.warn('Threadline: storage unavailable, unsent messages last until this page closes', error)
    }),
    sessionKeeper: cookieSessionKeeper({ baseUrl: location.origin, workspaceId: params.workspaceId }),
    // The chat origin serves every workspace: keep their sessions apart.
    namespace: params.workspaceId,
  })
  const unsentInMemory = () => outboxInMemory && client.getState().messages.some((message) => message.seq === null)
  // Nothing else would keep these words: ask before the page goes (the browser shows its own text).
  addEventListener('beforeunload', (event) => {
    if (unsentInMemory()) event.preventDefault()
  })
  const root = createRoot(container)
  acceptConnection(window, params.hostOrigin, (port) => {
    channel = startFrameChannel({
      port,
      client,
      newMessages: feed,
      render: (state) => root.render(<FrameApp client={client} unsentInMemory={unsentInMemory} {...state} />),
      loadCatalogue,
      defaultLocale: 'en',
    })
  })
}

main()

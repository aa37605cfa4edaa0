import '@threadline/react/styles.css'
import './app.css'
import { ThreadlineProvider } from '@threadline/react'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { fetchCurrentUser, fetchThreadlineToken } from './account.js'
import { App } from './app.js'
import { client } from './chat-client.js'

// The chat's identity follows the site's session. Signed in: the chat is the user's at once, no
// email code. Signed out: a chat still identified as someone (the site's session ended elsewhere)
// is logged out, while a visitor's email-verified chat is kept.
const user = await fetchCurrentUser().catch(() => null)
if (user) {
  void client.identify({ getToken: fetchThreadlineToken })
} else {
  void client.ready.then(() => (client.getState().identity.status === 'identified' ? client.logout() : undefined))
}

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <ThreadlineProvider client={client}>
      <App initialUser={user} />
    </ThreadlineProvider>
  </StrictMode>,
)

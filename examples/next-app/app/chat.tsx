'use client'

import { ChatWidget, ThreadlineProvider } from '@threadline/react'
import type { Team } from '@threadline/react'
import { useEffect } from 'react'
import { client } from '@/lib/chat-client'

const team: Team = { name: 'Kettle & Co.', replyTime: 'minutes' }

/** The chat asks our route handler for an identity token now and whenever its session expires. */
async function fetchThreadlineToken(): Promise<string> {
  const response = await fetch('/api/threadline-token', { method: 'POST' })
  if (!response.ok) throw new Error(`No identity token (${response.status})`)
  return ((await response.json()) as { identityToken: string }).identityToken
}

/**
 * The widget, with the chat's identity following the site's session: the server page says whether
 * someone is signed in. Signed in: the chat is theirs, no email code. Signed out: a chat still
 * identified as someone is logged out (a visitor's email-verified chat is kept).
 */
export function Chat({ signedIn }: { signedIn: boolean }) {
  useEffect(() => {
    const chat = client
    if (!chat) return
    if (signedIn) void chat.identify({ getToken: fetchThreadlineToken })
    else void chat.ready.then(() => (chat.getState().identity.status === 'identified' ? chat.logout() : undefined))
  }, [signedIn])

  if (!client) {
    return (
      <p role="alert">
        The chat needs NEXT_PUBLIC_THREADLINE_URL and NEXT_PUBLIC_THREADLINE_WORKSPACE (see the README).
      </p>
    )
  }
  return (
    <ThreadlineProvider client={client}>
      <ChatWidget team={team} />
    </ThreadlineProvider>
  )
}

import type { ComponentPropsWithRef } from 'react'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { BlockedNotice } from './blocked-notice.js'
import { ChatDisabledNotice } from './chat-disabled-notice.js'
import { EmailReplyNotice } from './email-reply-notice.js'
import { FinishedNotice } from './finished-notice.js'
import { SessionNotice } from './session-notice.js'

export type NoticesProps = ComponentPropsWithRef<'div'>

/** The conversation's notices, most important first; each shows only when it applies. */
export const Notices = partWithRef('Notices', function Notices({ className, children, ...rest }: NoticesProps) {
  return (
    <div {...rest} className={classNames('tl-notices', className)}>
      {children ?? (
        <>
          <BlockedNotice />
          <ChatDisabledNotice />
          <FinishedNotice />
          <EmailReplyNotice />
          <SessionNotice />
        </>
      )}
    </div>
  )
})

import type { ComponentPropsWithRef } from 'react'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'

export interface NoticeProps extends ComponentPropsWithRef<'div'> {
  /** Styling hook (`data-tone`). Default `info`. */
  tone?: 'info' | 'warning' | 'error'
}

/** A one-line status under the conversation, announced politely (`role="status"`). */
export const Notice = partWithRef('Notice', function Notice({ tone = 'info', className, ...rest }: NoticeProps) {
  return <div role="status" {...rest} className={classNames('tl-notice', className)} data-tone={tone} />
})

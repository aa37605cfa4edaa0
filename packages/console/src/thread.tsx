import type { Message, Note } from '@threadline/protocol'
import { FormattedText, MessageText } from '@threadline/react'
import type { AgentClient } from '@threadline/api'
import { formatTime } from './format-time.js'
import { MessageAttachments } from './message-attachments.js'
import { NoteItem } from './note-item.js'
import type { ThreadItem } from './thread-items.js'
import type { TimelineLine } from './timeline-lines.js'

export interface ThreadProps {
  api: AgentClient
  items: readonly ThreadItem[]
  customerName: string
  myId: string
  onNoteSaved: (note: Note) => void
  onNoteDeleted: (noteId: string) => void
}

/** The conversation as one ordered list: messages, the system lines between them, private notes. */
export function Thread({ api, items, customerName, myId, onNoteSaved, onNoteDeleted }: ThreadProps) {
  return (
    <ol>
      {items.map((item) => {
        switch (item.kind) {
          case 'message':
            return <MessageItem key={item.key} message={item.message} customerName={customerName} />
          case 'line':
            return <SystemLine key={item.key} line={item.line} />
          case 'note':
            return (
              <NoteItem
                key={item.key}
                api={api}
                note={item.note}
                myId={myId}
                onSaved={onNoteSaved}
                onDeleted={onNoteDeleted}
              />
            )
        }
      })}
    </ol>
  )
}

/** A change to the conversation, centred and small: not a message, so it has no author or bubble. */
function SystemLine({ line }: { line: TimelineLine }) {
  return (
    <li className="console-system-line" data-kind={line.event.kind}>
      <span>{line.text}</span> <time dateTime={line.event.at}>{formatTime(line.event.at)}</time>
    </li>
  )
}

function MessageItem({ message, customerName }: { message: Message; customerName: string }) {
  const fromCustomer = message.author.kind === 'customer'
  const author = fromCustomer
    ? customerName
    : (message.author.name ?? (message.author.kind === 'system' ? 'Threadline' : 'Advisor'))
  return (
    <li className="console-message" data-author={message.author.kind}>
      <p className="console-message__meta">
        <span className="console-message__author">{author}</span>{' '}
        <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
        {message.channel === 'email' && <span className="console-message__receipt"> · By email</span>}
        {!fromCustomer && message.author.kind === 'agent' && (
          <span className="console-message__receipt">{message.readAt ? ' · Seen' : ' · Sent'}</span>
        )}
      </p>
      <div className="console-message__bubble">
        {/* Advisors' and bots' replies render with the same formatting the customer sees; customers' text stays plain. */}
        {message.text !== '' &&
          (message.author.kind === 'agent' || message.author.kind === 'bot' ? (
            <FormattedText text={message.text} />
          ) : (
            <MessageText text={message.text} />
          ))}
        {message.attachments.length > 0 && <MessageAttachments attachments={message.attachments} />}
      </div>
    </li>
  )
}

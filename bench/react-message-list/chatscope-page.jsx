import { createRoot } from 'react-dom/client'
// The bench build resolves these from packages/react, where they are installed (bench/react-message-list.ts).
import { ChatContainer, MainContainer, Message, MessageGroup, MessageList } from '@chatscope/chat-ui-kit-react'
import '@chatscope/chat-ui-kit-styles/dist/default/styles.min.css'
import { requestedMessageCount, runListBench } from './measure.ts'
import { createBenchThread } from './thread.ts'

/**
 * Consecutive messages from one sender, as chatscope groups them.
 * @param {import('./thread.ts').BenchMessage[]} messages
 */
function groupBySender(messages) {
  /** @type {import('./thread.ts').BenchMessage[][]} */
  const groups = []
  for (const message of messages) {
    const last = groups.at(-1)
    if (last && last[0]?.from === message.from) last.push(message)
    else groups.push([message])
  }
  return groups
}

const time = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit' })

/** @param {{ messages: import('./thread.ts').BenchMessage[] }} props */
function Thread({ messages }) {
  return (
    <MainContainer>
      <ChatContainer>
        <MessageList>
          {groupBySender(messages).map((group) => {
            const first = /** @type {import('./thread.ts').BenchMessage} */ (group[0])
            const direction = first.from === 'customer' ? 'outgoing' : 'incoming'
            return (
              <MessageGroup
                key={first.seq}
                direction={direction}
                sender={first.name}
                sentTime={time.format(first.createdAt)}
              >
                <MessageGroup.Messages>
                  {group.map((message) => (
                    <Message
                      key={message.seq}
                      // chatscope renders `message` as HTML; the bench text has no markup, so it reads as text.
                      model={{
                        message: message.text,
                        sentTime: time.format(message.createdAt),
                        sender: message.name,
                        direction,
                        position: 'normal',
                      }}
                    />
                  ))}
                </MessageGroup.Messages>
              </MessageGroup>
            )
          })}
        </MessageList>
      </ChatContainer>
    </MainContainer>
  )
}

const count = requestedMessageCount()
const messages = createBenchThread(count)
void runListBench({
  messages: count,
  mount: (container) => createRoot(container).render(<Thread messages={messages} />),
})

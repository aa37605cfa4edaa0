import type { Availability } from '@threadline/protocol'
import type { BootOptions, MessageNotice } from '../common/channel.js'

/** What each `Threadline('on', event, listener)` listener receives. */
export interface ThreadlineEvents {
  /** The chat opened (launcher, `open` command). */
  open: () => void
  /** The chat closed (launcher, `close` command, the frame's close button or Escape). */
  close: () => void
  /** The number of agent messages the customer has not read yet. */
  unread: (count: number) => void
  /** A new message in the conversation: who wrote it and when, never its text. */
  message: (message: MessageNotice) => void
  /**
   * The workspace's chat mode (`live`, `offline`, `read-only`, `hidden`), when the team is back and
   * the measured reply time: once the page loads, then on every change. A listener added later gets
   * the latest at once.
   */
  availability: (availability: Availability) => void
}

export type ThreadlineEventName = keyof ThreadlineEvents

export interface ShowIdentificationCodeOptions {
  /** The signed-in visitor's identity JWT; default: the one from the last `boot` or `identify`. */
  identityToken?: string
}

type ListenerCommand<Command extends 'on' | 'off'> = {
  [Event in ThreadlineEventName]: [command: Command, event: Event, listener: ThreadlineEvents[Event]]
}[ThreadlineEventName]

/** The arguments of one `Threadline(…)` call. */
export type ThreadlineCommand =
  | [command: 'boot', options?: BootOptions]
  | [command: 'open']
  | [command: 'close']
  | [command: 'identify', options: { identityToken: string }]
  | [command: 'logout']
  | [command: 'trackPage']
  | [command: 'showIdentificationCode', options?: ShowIdentificationCodeOptions]
  | ListenerCommand<'on'>
  | ListenerCommand<'off'>

/** `window.Threadline`: the snippet's stub (which queues calls in `q`) until the loader replaces it. */
export interface ThreadlineFunction {
  // Overloads rather than `(...command: ThreadlineCommand)`: TypeScript types a listener's parameter
  // from the event name through a generic, not through a union of tuples.
  (command: 'boot', options?: BootOptions): void
  (command: 'open' | 'close' | 'logout' | 'trackPage'): void
  (command: 'identify', options: { identityToken: string }): void
  (command: 'showIdentificationCode', options?: ShowIdentificationCodeOptions): void
  <Event extends ThreadlineEventName>(command: 'on' | 'off', event: Event, listener: ThreadlineEvents[Event]): void
  /** Calls the stub queued before the loader arrived (each an `arguments` object). */
  q?: ArrayLike<unknown>[]
}

declare global {
  interface Window {
    Threadline?: ThreadlineFunction
  }
}

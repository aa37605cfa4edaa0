import { expectTypeOf, test } from 'vitest'
import type { MessageNotice, ThreadlineCommand, ThreadlineFunction } from '../index.js'

declare const threadline: ThreadlineFunction

test('listeners are typed by event', () => {
  threadline('on', 'unread', (count) => expectTypeOf(count).toEqualTypeOf<number>())
  threadline('on', 'message', (message) =>
    expectTypeOf(message.author).toEqualTypeOf<'agent' | 'bot' | 'customer' | 'system'>(),
  )
  threadline('boot', { identityToken: 'jwt', locale: 'fr' })
  threadline('boot')
  threadline('identify', { identityToken: 'jwt' })
  threadline('showIdentificationCode')
  threadline('showIdentificationCode', { identityToken: 'jwt' })
  window.Threadline?.('open')
  // @ts-expect-error: not an event
  threadline('on', 'typing', () => {})
  // @ts-expect-error: identify needs a token
  threadline('identify')
  // @ts-expect-error: the token is a string
  threadline('showIdentificationCode', { identityToken: 42 })
  // @ts-expect-error: unknown command
  threadline('explode')
})

test('ThreadlineCommand lists the argument lists of every call', () => {
  expectTypeOf<['open']>().toExtend<ThreadlineCommand>()
  expectTypeOf<['showIdentificationCode']>().toExtend<ThreadlineCommand>()
  expectTypeOf<['on', 'unread', (count: number) => void]>().toExtend<ThreadlineCommand>()
  expectTypeOf<['on', 'unread', (message: MessageNotice) => void]>().not.toExtend<ThreadlineCommand>()
})

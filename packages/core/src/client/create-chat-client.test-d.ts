import { expectTypeOf } from 'vitest'
import type { ChatAdapter } from '../adapters/types.js'
import type { ThreadlineErrorCode } from '../errors/errors.js'
import type { ChatMessage, ConnectionStatus, IdentityStatus } from '../store/state.js'
import type { ChatClient } from './create-chat-client.js'
import type { Result } from './result.js'

declare const client: ChatClient

// Actions resolve to results that narrow on `ok`; failures carry a typed code, never a string.
const verified = await client.verifyEmail('123456')
if (verified.ok) {
  expectTypeOf(verified.value.id).toEqualTypeOf<string>()
} else {
  expectTypeOf(verified.error.code).toEqualTypeOf<ThreadlineErrorCode>()
  // @ts-expect-error: no value on a failure
  void verified.value
}
expectTypeOf(client.sendMessage).returns.resolves.toEqualTypeOf<Result<{ clientId: string }>>()
// Even the local edits resolve to results: a storage failure is a value too, never a rejection.
expectTypeOf(client.retryMessage).returns.resolves.toEqualTypeOf<Result<void>>()
expectTypeOf(client.discardMessage).returns.resolves.toEqualTypeOf<Result<void>>()
expectTypeOf(client.cancelVerification).returns.resolves.toEqualTypeOf<Result<void>>()
expectTypeOf(client.logout).returns.resolves.toEqualTypeOf<Result<void>>()

// The states the UI switches on are closed unions.
expectTypeOf<IdentityStatus>().toEqualTypeOf<'anonymous' | 'verifying' | 'verified' | 'identified'>()
expectTypeOf<ConnectionStatus>().toEqualTypeOf<'online' | 'reconnecting' | 'offline'>()
expectTypeOf<ChatMessage['delivery']>().toEqualTypeOf<'pending' | 'sent' | 'failed'>()

// An adapter names its specification version, so a v2 can live beside v1.
expectTypeOf<ChatAdapter['specificationVersion']>().toEqualTypeOf<1>()
// @ts-expect-error: every adapter method takes one options object
void ((adapter: ChatAdapter) => adapter.markRead(3))

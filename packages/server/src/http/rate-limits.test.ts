import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import { isApiError } from '../errors/api-error.js'
import { createRateLimiter, defaultRateLimits } from './rate-limits.js'

const refusal = (run: () => void) => {
  try {
    run()
  } catch (error) {
    if (isApiError(error)) return error
    throw error
  }
  return null
}

describe('createRateLimiter', () => {
  it('L1: lets a burst through, then refuses with rate_limited and the seconds until the next token', () => {
    const clock = createManualClock(0)
    const limiter = createRateLimiter({ rules: defaultRateLimits, now: clock.now })
    for (let index = 0; index < 10; index++) limiter.take('message', 'cus_a')
    const refused = refusal(() => limiter.take('message', 'cus_a'))
    expect(refused).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 3 })
    // Twenty a minute: one token every three seconds, and not a moment before.
    clock.advance(2_999)
    expect(refusal(() => limiter.take('message', 'cus_a'))?.retryAfterSeconds).toBe(1)
    clock.advance(1)
    expect(refusal(() => limiter.take('message', 'cus_a'))).toBeNull()
  })

  it('L1: keeps one bucket per customer and per kind', () => {
    const clock = createManualClock(0)
    const limiter = createRateLimiter({ rules: defaultRateLimits, now: clock.now })
    for (let index = 0; index < 10; index++) limiter.take('upload', 'cus_a')
    const refused = refusal(() => limiter.take('upload', 'cus_a'))
    // Twenty uploads an hour: the next one in three minutes.
    expect(refused?.retryAfterSeconds).toBe(180)
    expect(refusal(() => limiter.take('upload', 'cus_b'))).toBeNull()
    expect(refusal(() => limiter.take('message', 'cus_a'))).toBeNull()
  })
})

describe('rate limits on the visitor API', () => {
  let test: TestServer

  beforeAll(async () => {
    test = await startTestServer({
      now: createManualClock().now,
      rateLimits: { message: { burst: 2, perMinute: 1 }, pageView: { burst: 1, perMinute: 1 } },
    })
  })
  afterAll(async () => {
    await test.close()
  })

  it('L1: answers a flood with 429 rate_limited, Retry-After and retryAfterSeconds, and stores nothing of it', async () => {
    const { session } = await test.verify()
    expect((await test.send(session.token, 'one')).status).toBe(200)
    expect((await test.send(session.token, 'two')).status).toBe(200)
    const refused = await test.send(session.token, 'three')
    expect(refused.status).toBe(429)
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 60 })
    expect(refused.headers.get('retry-after')).toBe('60')
    const messages = await test.call('GET', '/v1/conversation/messages', { token: session.token })
    expect(messages.body.messages.map((message) => message.text)).toEqual(['one', 'two'])

    const page = { url: 'https://shop.example/', title: 'Shop', referrer: '' }
    expect((await test.call('POST', '/v1/page-views', { token: session.token, body: page })).status).toBe(204)
    expect((await test.call('POST', '/v1/page-views', { token: session.token, body: page })).status).toBe(429)
    // Another customer has buckets of their own.
    const other = await test.verify()
    expect((await test.send(other.session.token, 'hello')).status).toBe(200)
  })
})

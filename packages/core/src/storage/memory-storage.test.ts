import { describe, expect, it } from 'vitest'
import { describeKeyValueStorageContract } from './key-value-storage.test-helpers.js'
import { createMemoryStorage } from './memory-storage.js'

describe('createMemoryStorage', () => {
  describeKeyValueStorageContract(() => createMemoryStorage())

  describe('when two instances are created', () => {
    it('keeps their contents apart', async () => {
      const first = createMemoryStorage()
      const second = createMemoryStorage()
      await first.set('outbox:1', 'hello')
      await expect(second.get('outbox:1')).resolves.toBeNull()
    })
  })
})

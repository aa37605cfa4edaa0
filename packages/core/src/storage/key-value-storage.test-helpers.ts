import { describe, expect, it } from 'vitest'
import type { KeyValueStorage } from './types.js'

/**
 * The behaviour every `KeyValueStorage` shares. Each implementation's test file runs it against a
 * fresh instance per test; anything specific to one implementation is tested next to it.
 */
export function describeKeyValueStorageContract(createStorage: () => KeyValueStorage): void {
  describe('the KeyValueStorage contract', () => {
    describe('when a key was never written', () => {
      it('reads it as null', async () => {
        const storage = createStorage()
        await expect(storage.get('missing')).resolves.toBeNull()
      })

      it('removes it without complaint', async () => {
        const storage = createStorage()
        await expect(storage.remove('missing')).resolves.toBeUndefined()
      })
    })

    describe('when a value is written', () => {
      it('reads back exactly what was written, including empty and non-ASCII strings', async () => {
        const storage = createStorage()
        const values = { empty: '', json: JSON.stringify({ text: 'héllo 👋', lines: 'a\nb' }), spaces: '  padded  ' }
        for (const [key, value] of Object.entries(values)) await storage.set(key, value)
        for (const [key, value] of Object.entries(values)) await expect(storage.get(key)).resolves.toBe(value)
      })

      it('replaces the previous value of the same key', async () => {
        const storage = createStorage()
        await storage.set('draft', 'first')
        await storage.set('draft', 'second')
        await expect(storage.get('draft')).resolves.toBe('second')
        await expect(storage.keys('draft')).resolves.toEqual(['draft'])
      })

      it('keeps every write when many run at once', async () => {
        const storage = createStorage()
        const keys = Array.from({ length: 20 }, (_, index) => `outbox:${index}`)
        await Promise.all(keys.map((key) => storage.set(key, key.toUpperCase())))
        const values = await Promise.all(keys.map((key) => storage.get(key)))
        expect(values).toEqual(keys.map((key) => key.toUpperCase()))
      })
    })

    describe('when a key is removed', () => {
      it('reads it as null and no longer lists it', async () => {
        const storage = createStorage()
        await storage.set('outbox:1', 'one')
        await storage.set('outbox:2', 'two')
        await storage.remove('outbox:1')
        await expect(storage.get('outbox:1')).resolves.toBeNull()
        await expect(storage.keys('outbox:')).resolves.toEqual(['outbox:2'])
      })
    })

    describe('when keys are listed by prefix', () => {
      it('lists exactly the keys that start with the prefix', async () => {
        const storage = createStorage()
        for (const key of ['outbox:b', 'outbox:a', 'outbox', 'outbo', 'session', 'zz:outbox:c', 'outbox:\uffff:x']) {
          await storage.set(key, 'value')
        }
        const keys = await storage.keys('outbox:')
        expect(keys.sort()).toEqual(['outbox:a', 'outbox:b', 'outbox:\uffff:x'])
      })

      it('lists every key for an empty prefix', async () => {
        const storage = createStorage()
        await storage.set('session', 'value')
        await storage.set('outbox:a', 'value')
        const keys = await storage.keys('')
        expect(keys.sort()).toEqual(['outbox:a', 'session'])
      })

      it('lists nothing when no key matches', async () => {
        const storage = createStorage()
        await storage.set('session', 'value')
        await expect(storage.keys('outbox:')).resolves.toEqual([])
      })
    })
  })
}

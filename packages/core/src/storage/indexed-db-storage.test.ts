import { forceCloseDatabase, IDBFactory } from 'fake-indexeddb'

// fake-indexeddb types the argument as the class rather than an instance; the function takes an instance.
const closeAsTheBrowserWould = forceCloseDatabase as unknown as (database: IDBDatabase) => void
import { describe, expect, it } from 'vitest'
import { isThreadlineError } from '../errors/errors.js'
import { createIndexedDbStorage } from './indexed-db-storage.js'
import { describeKeyValueStorageContract } from './key-value-storage.test-helpers.js'
import { rejectionOf } from '../rejection-of.test-helpers.js'

/** A factory that refuses to open anything, as a sandboxed frame does. */
class RefusingFactory extends IDBFactory {
  override open(): IDBOpenDBRequest {
    throw new DOMException('The operation is insecure.', 'SecurityError')
  }
}

/** Keeps every connection it opens, so a test can close one behind the storage's back. */
class RecordingFactory extends IDBFactory {
  readonly connections: IDBDatabase[] = []
  override open(name: string, version?: number): IDBOpenDBRequest {
    const request = super.open(name, version)
    request.addEventListener('success', () => this.connections.push(request.result))
    return request
  }
}

function openRaw(
  factory: IDBFactory,
  name: string,
  version?: number,
  upgrade?: (database: IDBDatabase) => void,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, version)
    request.onupgradeneeded = () => upgrade?.(request.result)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error ?? new Error('request failed'))
  })
}

function deleteRaw(factory: IDBFactory, name: string): Promise<'deleted' | 'blocked'> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name)
    let blocked = false
    request.onblocked = () => {
      blocked = true
    }
    request.onsuccess = () => resolve(blocked ? 'blocked' : 'deleted')
    request.onerror = () => reject(request.error ?? new Error('request failed'))
  })
}

describe('createIndexedDbStorage', () => {
  describeKeyValueStorageContract(() => createIndexedDbStorage({ indexedDB: new IDBFactory() }))

  describe('when it is created', () => {
    it('does not open the database before the first operation', async () => {
      const factory = new IDBFactory()
      const storage = createIndexedDbStorage({ indexedDB: factory })
      await expect(factory.databases()).resolves.toEqual([])
      await storage.get('anything')
      await expect(factory.databases()).resolves.toEqual([{ name: 'threadline', version: 1 }])
    })

    it('uses the database name it is given', async () => {
      const factory = new IDBFactory()
      await createIndexedDbStorage({ indexedDB: factory, databaseName: 'threadline-ws_1' }).set('a', 'b')
      await expect(factory.databases()).resolves.toEqual([{ name: 'threadline-ws_1', version: 1 }])
    })
  })

  describe('when a write resolves', () => {
    it('has committed it, so a new connection (a reloaded tab) reads it', async () => {
      const factory = new IDBFactory()
      await createIndexedDbStorage({ indexedDB: factory }).set('outbox:1', 'hello')
      const reloaded = createIndexedDbStorage({ indexedDB: factory })
      await expect(reloaded.get('outbox:1')).resolves.toBe('hello')
    })
  })

  describe('when two storages open the same database, as two tabs do', () => {
    it('lets each read what the other wrote', async () => {
      const factory = new IDBFactory()
      const firstTab = createIndexedDbStorage({ indexedDB: factory })
      const secondTab = createIndexedDbStorage({ indexedDB: factory })
      await firstTab.set('outbox:1', 'hello')
      await secondTab.set('outbox:2', 'again')
      await expect(secondTab.get('outbox:1')).resolves.toBe('hello')
      await expect(firstTab.keys('outbox:').then((keys) => keys.sort())).resolves.toEqual(['outbox:1', 'outbox:2'])
    })
  })

  describe('when another tab upgrades the database', () => {
    it('closes its connection instead of blocking the upgrade, then keeps working', async () => {
      const factory = new IDBFactory()
      const storage = createIndexedDbStorage({ indexedDB: factory })
      await storage.set('outbox:1', 'hello')

      let blocked = false
      const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = factory.open('threadline', 2)
        request.onblocked = () => {
          blocked = true
        }
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error ?? new Error('request failed'))
      })
      expect(blocked).toBe(false)

      await expect(storage.get('outbox:1')).resolves.toBe('hello')
      await storage.set('outbox:2', 'after the upgrade')
      upgraded.close()
      await expect(createIndexedDbStorage({ indexedDB: factory }).get('outbox:2')).resolves.toBe('after the upgrade')
    })
  })

  describe('when the browser closes the connection (site data cleared, disk failure)', () => {
    it('reopens on the next operation', async () => {
      const factory = new RecordingFactory()
      const storage = createIndexedDbStorage({ indexedDB: factory })
      await storage.set('outbox:1', 'hello')
      const [connection] = factory.connections
      if (!connection) throw new Error('The storage opened no connection')
      closeAsTheBrowserWould(connection)
      await expect(storage.get('outbox:1')).resolves.toBe('hello')
      expect(factory.connections).toHaveLength(2)
    })
  })

  describe('when the connection closed just before an operation used it', () => {
    it('reopens and completes the operation instead of failing it', async () => {
      const factory = new RecordingFactory()
      const storage = createIndexedDbStorage({ indexedDB: factory })
      await storage.set('outbox:1', 'hello')
      // Closing without an event is the window between another tab's upgrade and our handler.
      factory.connections[0]?.close()
      await storage.set('outbox:2', 'again')
      await expect(storage.keys('outbox:').then((keys) => keys.sort())).resolves.toEqual(['outbox:1', 'outbox:2'])
    })
  })

  describe('when another tab deletes the database', () => {
    it('lets the deletion through and recreates the store on the next write', async () => {
      const factory = new IDBFactory()
      const storage = createIndexedDbStorage({ indexedDB: factory })
      await storage.set('outbox:1', 'hello')
      await expect(deleteRaw(factory, 'threadline')).resolves.toBe('deleted')
      await expect(storage.get('outbox:1')).resolves.toBeNull()
      await storage.set('outbox:2', 'fresh')
      await expect(storage.keys('')).resolves.toEqual(['outbox:2'])
    })
  })

  describe('when the database exists without our store', () => {
    it('adds the store with a version upgrade and keeps what else is there', async () => {
      const factory = new IDBFactory()
      const foreign = await openRaw(factory, 'threadline', 3, (database) => database.createObjectStore('other'))
      foreign.close()
      const storage = createIndexedDbStorage({ indexedDB: factory })
      await storage.set('outbox:1', 'hello')
      await expect(storage.get('outbox:1')).resolves.toBe('hello')
      const reopened = await openRaw(factory, 'threadline')
      expect(reopened.version).toBe(4)
      expect([...reopened.objectStoreNames].sort()).toEqual(['entries', 'other'])
      reopened.close()
    })
  })

  describe('when a connection that ignores versionchange blocks the upgrade', () => {
    it('rejects with storage_unavailable instead of hanging, and succeeds once it closes', async () => {
      const factory = new IDBFactory()
      const stubborn = await openRaw(factory, 'threadline', 1)
      const storage = createIndexedDbStorage({ indexedDB: factory })

      const error = await rejectionOf(storage.set('outbox:1', 'hello'))
      expect(isThreadlineError(error) && error.code).toBe('storage_unavailable')

      stubborn.close()
      await storage.set('outbox:1', 'hello')
      await expect(storage.get('outbox:1')).resolves.toBe('hello')
    })
  })

  describe('when the platform refuses to open IndexedDB', () => {
    it('rejects with storage_unavailable, keeping the platform error as the cause', async () => {
      const storage = createIndexedDbStorage({ indexedDB: new RefusingFactory() })
      const error = await rejectionOf(storage.set('outbox:1', 'hello'))
      expect(isThreadlineError(error) && error.code).toBe('storage_unavailable')
      expect(error).toHaveProperty('cause.name', 'SecurityError')
    })
  })

  describe('when no factory is given and the platform has no IndexedDB', () => {
    it('rejects with storage_unavailable on first use', async () => {
      const storage = createIndexedDbStorage()
      const error = await rejectionOf(storage.get('outbox:1'))
      expect(isThreadlineError(error) && error.code).toBe('storage_unavailable')
    })
  })
})

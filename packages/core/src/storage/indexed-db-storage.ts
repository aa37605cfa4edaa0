import { createStorageUnavailableError, errorName } from './storage-unavailable-error.js'
import type { KeyValueStorage } from './types.js'

export interface IndexedDbStorageOptions {
  /** Default `threadline`. */
  databaseName?: string
  /** Defaults to `indexedDB`, looked up on first use. */
  indexedDB?: IDBFactory
}

const storeName = 'entries'

/**
 * One object store in IndexedDB. Every operation is its own transaction and resolves only once the
 * transaction has committed, so a message written to the outbox is on disk before anything sends it
 * (docs/security.md G1). The database is opened on first use and closed whenever another tab needs to
 * upgrade or delete it; the next operation reopens it.
 */
export function createIndexedDbStorage(options: IndexedDbStorageOptions = {}): KeyValueStorage {
  return indexedDbStorageOver(() => {
    if (options.indexedDB) return options.indexedDB
    if (typeof indexedDB === 'undefined')
      throw createStorageUnavailableError('IndexedDB does not exist on this platform')
    return indexedDB
  }, options.databaseName)
}

/**
 * The storage itself over `findFactory`, called whenever the database is opened. The default
 * storage, which has already found the factory, calls it directly, so the lookup above stays out of
 * bundles that never need it.
 */
export function indexedDbStorageOver(findFactory: () => IDBFactory, databaseName = 'threadline'): KeyValueStorage {
  let connection: Promise<IDBDatabase> | undefined

  function connect(): Promise<IDBDatabase> {
    if (connection) return connection
    const opening = openDatabase(findFactory, databaseName).then((database) => {
      const forget = () => {
        if (connection === opening) connection = undefined
      }
      // An upgrade or a deletion in another tab waits until every open connection closes: closing at
      // once keeps this tab from blocking it.
      database.addEventListener('versionchange', () => {
        database.close()
        forget()
      })
      // The browser closes connections itself when the user clears site data or the disk fails.
      database.addEventListener('close', forget)
      return database
    })
    // A failed open is not cached: the next operation tries again.
    opening.catch(() => {
      if (connection === opening) connection = undefined
    })
    connection = opening
    return connection
  }

  async function run<T>(
    action: string,
    mode: IDBTransactionMode,
    operation: (store: IDBObjectStore) => () => T,
  ): Promise<T> {
    try {
      const opened = connect()
      try {
        return await transact(await opened, mode, operation)
      } catch (error) {
        // The connection closed between being handed out and being used (another tab's upgrade):
        // reopening is safe because nothing was written.
        if (errorName(error) !== 'InvalidStateError') throw error
        if (connection === opened) connection = undefined
        return await transact(await connect(), mode, operation)
      }
    } catch (error) {
      throw createStorageUnavailableError(`IndexedDB could not ${action}`, error)
    }
  }

  return {
    get(key) {
      return run(`read "${key}"`, 'readonly', (store) => {
        const request = store.get(key)
        return () => (typeof request.result === 'string' ? request.result : null)
      })
    },
    set(key, value) {
      return run(`write "${key}"`, 'readwrite', (store) => {
        store.put(value, key)
        return () => undefined
      })
    },
    remove(key) {
      return run(`remove "${key}"`, 'readwrite', (store) => {
        store.delete(key)
        return () => undefined
      })
    },
    keys(prefix) {
      return run('list its keys', 'readonly', (store) => {
        const found: string[] = []
        const request = store.openKeyCursor()
        request.onsuccess = () => {
          const cursor = request.result
          if (!cursor) return
          const key = cursor.key
          // String keys sort by UTF-16 code units, so the ones with `prefix` form one run starting at
          // `prefix`: jump to it, then stop at the first key past it. Only our own string keys live here.
          if (typeof key !== 'string') {
            cursor.continue()
          } else if (key < prefix) {
            cursor.continue(prefix)
          } else if (key.startsWith(prefix)) {
            found.push(key)
            cursor.continue()
          }
        }
        return () => found
      })
    },
  }
}

function transact<T>(
  database: IDBDatabase,
  mode: IDBTransactionMode,
  operation: (store: IDBObjectStore) => () => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    // `strict` asks the browser to flush to disk before `complete`; Chrome and Firefox relax it otherwise.
    const transaction = database.transaction(
      storeName,
      mode,
      mode === 'readwrite' ? { durability: 'strict' } : undefined,
    )
    const read = operation(transaction.objectStore(storeName))
    // Settling on `complete` rather than on the request's success is what makes a write durable
    // before the caller moves on.
    transaction.addEventListener('complete', () => resolve(read()))
    transaction.addEventListener('abort', () =>
      reject(transaction.error ?? new DOMException('The transaction was aborted', 'AbortError')),
    )
  })
}

async function openDatabase(findFactory: () => IDBFactory, name: string): Promise<IDBDatabase> {
  const factory = findFactory()
  // Opening without a version accepts whatever version exists, so a tab running an older build keeps
  // working after a newer one has upgraded the database.
  const database = await open(factory.open(name), name)
  if (database.objectStoreNames.contains(storeName)) return database
  // The database exists without our store (created by someone else, or a deletion raced us): add it.
  const version = database.version + 1
  database.close()
  const upgraded = await open(factory.open(name, version), name)
  if (upgraded.objectStoreNames.contains(storeName)) return upgraded
  upgraded.close()
  throw new DOMException(`The database "${name}" has no "${storeName}" store`, 'NotFoundError')
}

function open(request: IDBOpenDBRequest, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let abandoned = false
    request.addEventListener('upgradeneeded', () => {
      const database = request.result
      if (!database.objectStoreNames.contains(storeName)) database.createObjectStore(storeName)
    })
    request.addEventListener('success', () => {
      if (abandoned) request.result.close()
      else resolve(request.result)
    })
    request.addEventListener('error', () =>
      reject(request.error ?? new DOMException(`Could not open "${name}"`, 'UnknownError')),
    )
    request.addEventListener('blocked', () => {
      // Another connection ignores `versionchange`. Waiting for it could hang every write for as long as
      // that tab lives, so this operation fails now and the next one tries again.
      abandoned = true
      reject(new DOMException(`Another tab's connection to "${name}" blocks the upgrade`, 'BlockedError'))
    })
  })
}

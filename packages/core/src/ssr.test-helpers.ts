import { vi } from 'vitest'

/** Globals a browser has and a server (or a worker) may not; reading one at import breaks SSR. */
export const browserGlobals = [
  'window',
  'document',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'navigator',
  'location',
] as const

/**
 * Imports a module afresh while every browser global throws when read, and reports which were
 * read. Restores the globals afterwards, whatever happens.
 */
export async function importWithThrowingBrowserGlobals<T>(
  load: () => Promise<T>,
  { also = [] }: { also?: readonly string[] } = {},
): Promise<{ module: T; touched: string[] }> {
  const touched: string[] = []
  const names = [...browserGlobals, ...also]
  const originals = new Map(names.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]))
  for (const name of names) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name)
        throw new Error(`${name} was read while importing`)
      },
    })
  }
  try {
    vi.resetModules()
    return { module: await load(), touched }
  } finally {
    for (const [name, descriptor] of originals) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor)
      else Reflect.deleteProperty(globalThis, name)
    }
  }
}

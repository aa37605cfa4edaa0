import { useEffect, useState } from 'react'
import { en } from './en.js'
import { loadCatalogue, loadedCatalogue } from './load-catalogue.js'
import type { Messages } from './messages.js'

/**
 * The shipped catalogue for `locale`, loading it when it has not arrived yet. Until it does, and for
 * good should the load fail (a chunk that cannot be fetched), English: the widget always has words.
 * `load` is replaceable for tests.
 */
export function useCatalogue(locale: string, load: (locale: string) => Promise<Messages> = loadCatalogue): Messages {
  const ready = loadedCatalogue(locale)
  const [fetched, setFetched] = useState<{ locale: string; messages: Messages }>()
  useEffect(() => {
    if (ready) return
    let current = true
    load(locale).then(
      (messages) => {
        if (current) setFetched({ locale, messages })
      },
      () => {
        // English stays: better than no words.
      },
    )
    return () => {
      current = false
    }
  }, [locale, ready, load])
  return ready ?? (fetched?.locale === locale ? fetched.messages : en)
}

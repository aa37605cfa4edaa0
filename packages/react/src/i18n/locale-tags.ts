const rightToLeftLanguages = new Set(['ar', 'fa', 'he', 'iw', 'ps', 'ur', 'yi', 'dv', 'ckb', 'sd', 'ug'])

/** `es-MX` → `es`. */
export function language(locale: string): string {
  return locale.toLowerCase().split(/[-_]/)[0] ?? ''
}

/** Which of `available` serves `locale`: the exact tag first, then its language (`es-MX` → `es`). */
export function matchLocale<Locale extends string>(locale: string, available: readonly Locale[]): Locale | undefined {
  const exact = locale.toLowerCase()
  const base = language(locale)
  return available.find((candidate) => candidate === exact) ?? available.find((candidate) => candidate === base)
}

export function textDirection(locale: string): 'ltr' | 'rtl' {
  return rightToLeftLanguages.has(language(locale)) ? 'rtl' : 'ltr'
}

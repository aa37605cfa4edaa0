/** `es`, `es-MX`, `zh-Hant-TW` or `*` (RFC 4647 basic language range). */
const languageRange = /^(?:\*|[a-z]{1,8}(?:-[a-z\d]{1,8})*)$/i
/** `q=0.8`: 0 to 1 with at most three decimals (RFC 9110 §12.4.2). */
const weightParameter = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i

interface WeightedRange {
  range: string
  weight: number
}

/**
 * The language ranges of an `Accept-Language` header (RFC 9110 §12.5.4), most preferred first:
 * by weight, and in the header's order among equal weights. Ranges weighted `q=0` ("not
 * acceptable") and malformed entries are dropped, so a broken header counts as no header.
 */
export function acceptedLanguageRanges(header: string | undefined): string[] {
  if (!header) return []
  const ranges: WeightedRange[] = []
  for (const entry of header.split(',')) {
    const weighted = parseEntry(entry)
    if (weighted && weighted.weight > 0) ranges.push(weighted)
  }
  // Array.prototype.sort is stable: equal weights keep the header's order.
  return ranges.sort((a, b) => b.weight - a.weight).map((weighted) => weighted.range)
}

function parseEntry(entry: string): WeightedRange | null {
  const [range = '', ...parameters] = entry.split(';').map((part) => part.trim())
  if (!languageRange.test(range)) return null
  let weight = 1
  for (const parameter of parameters) {
    const match = weightParameter.exec(parameter.replace(/\s+/g, ''))
    if (!match?.[1]) return null
    weight = Number(match[1])
  }
  return { range, weight }
}

/**
 * The first of `available` (lower-case primary subtags) that the header accepts, matched on the
 * primary subtag: `es-MX` → `es`. Undefined when the header names none of them (`*` names none:
 * the caller's default applies) or is missing.
 */
export function negotiateLanguage<Language extends string>(
  header: string | undefined,
  available: readonly Language[],
): Language | undefined {
  for (const range of acceptedLanguageRanges(header)) {
    const primary = range.split('-')[0]?.toLowerCase()
    const match = available.find((language) => language === primary)
    if (match) return match
  }
  return undefined
}

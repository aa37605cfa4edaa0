/**
 * The launcher's words in the languages the chat ships: @threadline/react's `openChat` and
 * `closeChat`, copied rather than imported (a catalogue would bring all its strings into loader.js
 * and its 3 KB budget). create-loader.test.ts checks them against the chat's own `createI18n`, so
 * this launcher and the chat's launcher say the same thing. The name with an unread count comes
 * from the frame, which has the plural forms (`unread` messages carry it).
 *
 * Each entry: the open label, the close label, and the iframe title when it is not "Chat".
 */
type Words = [open: string, close: string, frame?: string]

const words: Partial<Record<string, Words>> = {
  en: ['Open chat', 'Close chat'],
  es: ['Abrir el chat', 'Cerrar el chat'],
  fr: ['Ouvrir le chat', 'Fermer le chat'],
  de: ['Chat öffnen', 'Chat schließen'],
  ar: ['فتح المحادثة', 'إغلاق المحادثة', 'المحادثة'],
}

/**
 * `lang`: the tag the words are in, for the `lang` attribute (the requested one when its language
 * ships, else `en`); `frame`: the iframe's title; `launcher`: the launcher's accessible name.
 * A tuple rather than an object: loader.js is on a 3 KB budget and property names cost bytes.
 */
export type Labels = [lang: string, frame: string, launcher: string]

/**
 * The labels for the launcher's state in a BCP 47 tag: `es-MX` → Spanish; a language that does not
 * ship, or a tag `Intl` rejects (`es_MX`, `''`) → English, as the chat frame does. `unreadLabel`
 * (the frame's "Open chat, 2 unread messages", empty when nothing is unread) names the closed launcher.
 */
export function labelsFor(locale: string, open: boolean, unreadLabel: string): Labels {
  try {
    // Intl lower-cases the language subtag (2–3 or 5–8 letters), so it never names an inherited
    // property of `words` (`toString`, `constructor`): no own-property check needed.
    const known = words[new Intl.Locale(locale).language]
    const [openLabel, closeLabel, frame = 'Chat'] = known ?? words['en']!
    return [known ? locale : 'en', frame, open ? closeLabel : unreadLabel || openLabel]
  } catch {
    // RangeError: not a well-formed tag.
    return labelsFor('en', open, unreadLabel)
  }
}

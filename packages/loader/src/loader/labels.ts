/**
 * The launcher's words in the languages the chat ships: @threadline/react's `openChat`, `closeChat`
 * and `openChatUnread`, copied rather than imported (a catalogue would bring all its strings into
 * loader.js and its 3 KB budget). create-loader.test.ts checks every label against the chat's own
 * `createI18n`, so this launcher and the chat's launcher say the same thing.
 *
 * Each entry: the open label (also the one for 0 unread), the close label, what follows the open
 * label when messages are unread (one form per `Intl.PluralRules` category; missing ones fall back
 * to `other`, as in the chat, so Arabic `many` is its `other`; `#` is the count), and the iframe
 * title when it is not "Chat".
 */
type Words = [open: string, close: string, unread: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }, frame?: string]

const words: Partial<Record<string, Words>> = {
  en: ['Open chat', 'Close chat', { one: ', # unread message', other: ', # unread messages' }],
  es: ['Abrir el chat', 'Cerrar el chat', { one: ', # mensaje sin leer', other: ', # mensajes sin leer' }],
  fr: ['Ouvrir le chat', 'Fermer le chat', { one: ', # message non lu', other: ', # messages non lus' }],
  de: ['Chat öffnen', 'Chat schließen', { one: ', # ungelesene Nachricht', other: ', # ungelesene Nachrichten' }],
  ar: [
    'فتح المحادثة',
    'إغلاق المحادثة',
    { one: '، رسالة واحدة غير مقروءة', two: '، رسالتان غير مقروءتين', few: '، # رسائل غير مقروءة', other: '، # رسالة غير مقروءة' },
    'المحادثة',
  ],
}

/**
 * `lang`: the tag the words are in, for the `lang` attribute (the requested one when its language
 * ships, else `en`); `frame`: the iframe's title; `launcher`: the launcher's accessible name.
 * A tuple rather than an object: loader.js is on a 3 KB budget and property names cost bytes.
 */
export type Labels = [lang: string, frame: string, launcher: string]

/**
 * The labels for the launcher's state in a BCP 47 tag: `es-MX` → Spanish; a language that does not
 * ship → English words (counted and pluralised in the requested locale, as the chat does); a tag
 * `Intl` rejects (`es_MX`, `''`) → English, as the chat frame does.
 */
export function labelsFor(locale: string, open: boolean, unread: number): Labels {
  try {
    const plurals = new Intl.PluralRules(locale)
    // Intl lower-cases the language subtag (2–3 or 5–8 letters), so it never names an inherited
    // property of `words` (`toString`, `constructor`): no own-property check needed.
    const { language } = new Intl.Locale(locale)
    const known = words[language]
    const [openLabel, closeLabel, unreadForms, frame = 'Chat'] = known ?? words['en']!
    return [
      known ? locale : 'en',
      frame,
      open
        ? closeLabel
        : unread
          ? openLabel + (unreadForms[plurals.select(unread)] ?? unreadForms.other).replace('#', unread.toLocaleString(locale))
          : openLabel,
    ]
  } catch {
    // RangeError: not a well-formed tag.
    return labelsFor('en', open, unread)
  }
}

/**
 * The identification-code dialog's words in the languages the chat ships. `#` is filled in: the
 * countdown (`4:59`) in `expiresIn`, and `Intl.RelativeTimeFormat`'s "in 4 minutes" in `expiresAt`
 * (so plurals, Arabic's included, come from the browser rather than from here).
 *
 * `where` and `never` are the text of row C5 (docs/security.md): the only place the code goes, and that support
 * never asks for it anywhere else.
 */
export interface IdentifyMessages {
  title: string
  where: string
  never: string
  loading: string
  /** Visible, updated every second. */
  expiresIn: string
  /** Announced to screen readers at each full minute and at 30 s. */
  expiresAt: string
  copy: string
  copied: string
  /** When the clipboard refuses: the code is selected instead. */
  selected: string
  /** Announced when a new code replaced an expired one. */
  renewed: string
  close: string
  retry: string
  /** The identity token was refused (expired JWT) or is gone (logged out). */
  errorSignIn: string
  /** Too many codes for this account this hour (429). */
  errorBusy: string
  /** Network failure or any other answer. */
  errorFailed: string
}

const en: IdentifyMessages = {
  title: 'Your identification code',
  where: 'Paste this code into the chat on this site, so our team knows which account is yours.',
  never:
    'Only paste it into the chat on this site. Our support team will never ask you for this code anywhere else: not by email, phone or social media.',
  loading: 'Getting your code…',
  expiresIn: 'Expires in #',
  expiresAt: 'The code expires #.',
  copy: 'Copy code',
  copied: 'Copied',
  selected: 'The code is selected: press Ctrl+C (⌘C on a Mac) to copy it.',
  renewed: 'The code expired. Here is a new one.',
  close: 'Close',
  retry: 'Try again',
  errorSignIn: 'Your sign-in has expired. Reload the page, then try again.',
  errorBusy: 'Too many codes were requested. Try again later.',
  errorFailed: 'Could not get a code. Check your connection and try again.',
}

const es: IdentifyMessages = {
  title: 'Tu código de identificación',
  where: 'Pega este código en el chat de este sitio para que nuestro equipo sepa cuál es tu cuenta.',
  never:
    'Pégalo solo en el chat de este sitio. Nuestro equipo de soporte nunca te pedirá este código en ningún otro lugar: ni por correo, ni por teléfono, ni en redes sociales.',
  loading: 'Obteniendo tu código…',
  expiresIn: 'Caduca en #',
  expiresAt: 'El código caduca #.',
  copy: 'Copiar el código',
  copied: 'Copiado',
  selected: 'El código está seleccionado: pulsa Ctrl+C (⌘C en un Mac) para copiarlo.',
  renewed: 'El código caducó. Aquí tienes uno nuevo.',
  close: 'Cerrar',
  retry: 'Volver a intentarlo',
  errorSignIn: 'Tu sesión ha caducado. Recarga la página y vuelve a intentarlo.',
  errorBusy: 'Se han pedido demasiados códigos. Inténtalo más tarde.',
  errorFailed: 'No se pudo obtener un código. Comprueba tu conexión y vuelve a intentarlo.',
}

const fr: IdentifyMessages = {
  title: 'Votre code d’identification',
  where: 'Collez ce code dans le chat de ce site pour que notre équipe sache quel compte est le vôtre.',
  never:
    'Collez-le uniquement dans le chat de ce site. Notre équipe d’assistance ne vous demandera jamais ce code ailleurs\u00a0: ni par e-mail, ni par téléphone, ni sur les réseaux sociaux.',
  loading: 'Obtention de votre code…',
  expiresIn: 'Expire dans #',
  expiresAt: 'Le code expire #.',
  copy: 'Copier le code',
  copied: 'Copié',
  selected: 'Le code est sélectionné\u00a0: appuyez sur Ctrl+C (⌘C sur Mac) pour le copier.',
  renewed: 'Le code a expiré. En voici un nouveau.',
  close: 'Fermer',
  retry: 'Réessayer',
  errorSignIn: 'Votre session a expiré. Rechargez la page, puis réessayez.',
  errorBusy: 'Trop de codes ont été demandés. Réessayez plus tard.',
  errorFailed: 'Impossible d’obtenir un code. Vérifiez votre connexion et réessayez.',
}

const de: IdentifyMessages = {
  title: 'Ihr Identifikationscode',
  where: 'Fügen Sie diesen Code in den Chat auf dieser Website ein, damit unser Team weiß, welches Konto Ihres ist.',
  never:
    'Fügen Sie ihn nur in den Chat auf dieser Website ein. Unser Support fragt Sie nirgendwo sonst nach diesem Code: weder per E-Mail noch am Telefon oder in sozialen Netzwerken.',
  loading: 'Ihr Code wird abgerufen…',
  expiresIn: 'Läuft ab in #',
  expiresAt: 'Der Code läuft # ab.',
  copy: 'Code kopieren',
  copied: 'Kopiert',
  selected: 'Der Code ist markiert: Drücken Sie Strg+C (⌘C auf dem Mac), um ihn zu kopieren.',
  renewed: 'Der Code ist abgelaufen. Hier ist ein neuer.',
  close: 'Schließen',
  retry: 'Erneut versuchen',
  errorSignIn: 'Ihre Anmeldung ist abgelaufen. Laden Sie die Seite neu und versuchen Sie es erneut.',
  errorBusy: 'Es wurden zu viele Codes angefordert. Versuchen Sie es später erneut.',
  errorFailed: 'Es konnte kein Code abgerufen werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
}

const ar: IdentifyMessages = {
  title: 'رمز التعريف الخاص بك',
  where: 'الصق هذا الرمز في المحادثة على هذا الموقع ليعرف فريقنا أي حساب هو حسابك.',
  never:
    'الصقه في المحادثة على هذا الموقع فقط. لن يطلب منك فريق الدعم هذا الرمز في أي مكان آخر: لا عبر البريد الإلكتروني ولا الهاتف ولا وسائل التواصل الاجتماعي.',
  loading: 'جارٍ الحصول على الرمز…',
  expiresIn: 'تنتهي صلاحيته خلال #',
  expiresAt: 'تنتهي صلاحية الرمز #.',
  copy: 'نسخ الرمز',
  copied: 'تم النسخ',
  selected: 'تم تحديد الرمز: اضغط Ctrl+C (أو ⌘C على Mac) لنسخه.',
  renewed: 'انتهت صلاحية الرمز. إليك رمزًا جديدًا.',
  close: 'إغلاق',
  retry: 'إعادة المحاولة',
  errorSignIn: 'انتهت صلاحية تسجيل دخولك. أعد تحميل الصفحة ثم حاول مرة أخرى.',
  errorBusy: 'طُلبت رموز كثيرة جدًا. حاول مرة أخرى لاحقًا.',
  errorFailed: 'تعذّر الحصول على رمز. تحقّق من اتصالك وحاول مرة أخرى.',
}

export const identifyCatalogues: Readonly<Record<string, IdentifyMessages>> = { en, es, fr, de, ar }

export interface IdentifyLanguage {
  /** For the dialog's `lang`: the requested tag when its language ships, else `en`. */
  lang: string
  dir: 'ltr' | 'rtl'
  messages: IdentifyMessages
}

/**
 * The launcher's rule (labels.ts): `es-MX` → Spanish; a language that does not ship, or a tag `Intl`
 * rejects (`es_MX`, `''`), → English.
 */
export function identifyLanguage(locale: string): IdentifyLanguage {
  const english: IdentifyLanguage = { lang: 'en', dir: 'ltr', messages: en }
  let language: string
  try {
    language = new Intl.Locale(locale).language
  } catch {
    return english // RangeError: not a well-formed tag.
  }
  const messages = Object.hasOwn(identifyCatalogues, language) ? identifyCatalogues[language] : undefined
  return messages ? { lang: locale, dir: language === 'ar' ? 'rtl' : 'ltr', messages } : english
}

/** `#` in a message, replaced by `value`. */
export const fill = (message: string, value: string): string => message.replace('#', value)

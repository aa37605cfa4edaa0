/*
 * The server's automatic replies about identification codes, in the languages the chat UI ships.
 * They are stored as `system` messages in the language of the send that caused them, so advisors
 * read what the customer read. The `request` text quotes the chat's "I have no account" quick reply
 * word for word (`declineIdentification` in packages/react/src/i18n/); replies.test.ts keeps the two
 * from drifting apart.
 */

/** The languages with replies; any other falls back to English. */
export const replyLanguages = ['en', 'es', 'fr', 'de', 'ar'] as const

export type ReplyLanguage = (typeof replyLanguages)[number]

export interface IdentificationReplies {
  /** A valid code linked the chat. */
  linked: string
  /** A wrong, used or expired code. */
  invalid: string
  /** The customer is already linked to another account (the code is used up all the same). */
  alreadyLinked: string
  /** The conversation's hourly failure limit is reached; nothing more is checked. */
  tooManyAttempts: string
  /** `required`: the first message of a new, unidentified chat. */
  request: (workspaceName: string) => string
}

/** English, the fallback. The texts are documented in docs/identification-design.md. */
export const identificationReplies = {
  linked: 'Linked to your account.',
  invalid: 'That code is not valid or has expired. Get a new code from your account page and paste it here.',
  alreadyLinked: 'This chat is already linked to another account.',
  tooManyAttempts: 'Too many codes were tried. Please wait an hour before trying again.',
  request: (workspaceName: string) =>
    `To help you faster, please paste the identification code from your account page on ${workspaceName}. No account? Choose “I have no account”.`,
} as const satisfies IdentificationReplies

const spanish: IdentificationReplies = {
  linked: 'Chat vinculado a tu cuenta.',
  invalid: 'Ese código no es válido o ha caducado. Consigue un código nuevo en la página de tu cuenta y pégalo aquí.',
  alreadyLinked: 'Este chat ya está vinculado a otra cuenta.',
  tooManyAttempts: 'Se han probado demasiados códigos. Espera una hora antes de volver a intentarlo.',
  request: (workspaceName) =>
    `Para ayudarte más rápido, pega el código de identificación de la página de tu cuenta en ${workspaceName}. ¿No tienes cuenta? Elige «No tengo cuenta».`,
}

// French typography: a no-break space before `?` and inside « », so neither is wrapped onto a line alone.
const french: IdentificationReplies = {
  linked: 'Chat lié à votre compte.',
  invalid:
    'Ce code n’est pas valide ou a expiré. Obtenez un nouveau code sur la page de votre compte et collez-le ici.',
  alreadyLinked: 'Ce chat est déjà lié à un autre compte.',
  tooManyAttempts: 'Trop de codes ont été essayés. Patientez une heure avant de réessayer.',
  request: (workspaceName) =>
    `Pour vous aider plus vite, collez le code d’identification de la page de votre compte sur ${workspaceName}. Pas de compte\u00a0? Choisissez «\u00a0Je n’ai pas de compte\u00a0».`,
}

const german: IdentificationReplies = {
  linked: 'Mit Ihrem Konto verknüpft.',
  invalid:
    'Dieser Code ist ungültig oder abgelaufen. Holen Sie sich auf Ihrer Kontoseite einen neuen Code und fügen Sie ihn hier ein.',
  alreadyLinked: 'Dieser Chat ist bereits mit einem anderen Konto verknüpft.',
  tooManyAttempts: 'Es wurden zu viele Codes ausprobiert. Bitte warten Sie eine Stunde, bevor Sie es erneut versuchen.',
  request: (workspaceName) =>
    `Damit wir Ihnen schneller helfen können, fügen Sie bitte den Identifikationscode von Ihrer Kontoseite bei ${workspaceName} ein. Kein Konto? Wählen Sie „Ich habe kein Konto“.`,
}

const arabic: IdentificationReplies = {
  linked: 'تم ربط المحادثة بحسابك.',
  invalid: 'هذا الرمز غير صالح أو انتهت صلاحيته. احصل على رمز جديد من صفحة حسابك والصقه هنا.',
  alreadyLinked: 'هذه المحادثة مرتبطة بالفعل بحساب آخر.',
  tooManyAttempts: 'جُرِّبت رموز كثيرة جدًا. يُرجى الانتظار ساعة قبل المحاولة مرة أخرى.',
  request: (workspaceName) =>
    `لمساعدتك بشكل أسرع، يُرجى لصق رمز التعريف من صفحة حسابك على ${workspaceName}. ليس لديك حساب؟ اختر «ليس لدي حساب».`,
}

const repliesByLanguage: Readonly<Record<ReplyLanguage, IdentificationReplies>> = {
  en: identificationReplies,
  es: spanish,
  fr: french,
  de: german,
  ar: arabic,
}

export function identificationRepliesFor(language: ReplyLanguage): IdentificationReplies {
  return repliesByLanguage[language]
}

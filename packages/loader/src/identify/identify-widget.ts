import { adoptStyles } from '../common/adopt-styles.js'
import type { IdentifyRequest } from '../common/identify.js'
import { describeMark, formatRemaining, reachedMark } from './countdown.js'
import { fill, identifyLanguage } from './messages.js'
import type { IdentifyMessages } from './messages.js'
import { requestCode } from './request-code.js'
import type { CodeProblem } from './request-code.js'
import { identifyStyles } from './styles.js'

export interface IdentifyWidgetOptions {
  window: Window
  /** Default: the page's `fetch`, looked up at each request. */
  fetch?: typeof fetch
  /** Epoch ms. Default: `Date.now`. */
  now?: () => number
}

export interface IdentifyWidget {
  /** Opens the dialog and mints a code; while it is open, a second call changes nothing. */
  show: (request: IdentifyRequest) => void
}

/** How long "Copied" stays on screen. */
const confirmationMs = 3000

const problemMessages: Record<CodeProblem, keyof IdentifyMessages> = {
  signIn: 'errorSignIn',
  busy: 'errorBusy',
  failed: 'errorFailed',
}

/**
 * The identification-code dialog (issue 6, docs/security.md C5): a modal `<dialog>` in the open shadow
 * root of one `<threadline-identify>` element, built without innerHTML or style attributes so it runs
 * under the strict host CSP the launcher runs under. It shows a freshly minted code, the time left
 * (visually every second; to screen readers at each full minute and at 30 s), a copy button, a new
 * code when the old one expires, and where the code may go (this site's chat, nowhere else).
 */
export function createIdentifyWidget({
  window,
  fetch = (...args) => window.fetch(...args),
  now = Date.now,
}: IdentifyWidgetOptions): IdentifyWidget {
  const document = window.document
  const view = buildView(document)
  const { host, dialog } = view
  let request: IdentifyRequest | null = null
  let opener: Element | null = null
  let messages: IdentifyMessages
  let lang = 'en'
  let code = ''
  let deadline = 0
  let lastMark: number | null = null
  let ticker: ReturnType<typeof setInterval> | undefined
  let confirmation: ReturnType<typeof setTimeout> | undefined
  let inFlight: AbortController | null = null
  // The dialog opens with focus on its close button (the only button while the code loads); the
  // first code (or error) moves it to "Copy code" (or "Try again"), so Enter right after opening
  // acts rather than closes.
  let focusAction = false

  view.close.addEventListener('click', () => dialog.close())
  view.copy.addEventListener('click', () => void copy())
  view.retry.addEventListener('click', () => void load(false))
  // Escape (the dialog's own cancel), the close button and `dialog.close()` all end here.
  dialog.addEventListener('close', onClosed)

  function show(next: IdentifyRequest) {
    request = next
    if (dialog.open) return
    const given = next[4]
    opener = given instanceof Element ? given : document.activeElement
    focusAction = true
    const language = identifyLanguage(next[3])
    lang = language.lang
    messages = language.messages
    dialog.lang = language.lang
    dialog.dir = language.dir
    applyMessages(view, messages)
    // Last in <body>, like the launcher; the dialog itself paints in the top layer.
    document.body.append(host)
    dialog.showModal()
    void load(false)
  }

  async function load(renewal: boolean) {
    const current = request
    if (!current) return
    inFlight?.abort()
    const controller = (inFlight = new AbortController())
    stopTicking()
    setState('loading')
    let result
    try {
      result = await requestCode({
        chatOrigin: current[0],
        workspaceId: current[1],
        identityToken: current[2](),
        fetch,
        now,
        signal: controller.signal,
      })
    } catch {
      return // Aborted: the dialog closed, or a newer request replaced this one.
    }
    if (controller.signal.aborted) return
    inFlight = null
    if (!result.ok) {
      view.error.textContent = messages[problemMessages[result.problem]]
      setState('error')
      return
    }
    code = result.code
    deadline = result.deadline
    lastMark = null
    view.code.textContent = code
    view.code.dataset['code'] = code
    // Spaced out, screen readers read each character instead of trying a word; the comma is a pause between the groups.
    view.spoken.textContent = code.replace('-', ',').split('').join(' ')
    setState('code')
    if (renewal) announce(messages.renewed)
    tick()
    ticker = setInterval(tick, 1000)
  }

  function tick() {
    const remaining = deadline - now()
    if (remaining <= 0) return void load(true)
    view.countdown.textContent = fill(messages.expiresIn, formatRemaining(remaining))
    const mark = reachedMark(remaining)
    if (mark !== null && mark !== lastMark) {
      lastMark = mark
      announce(fill(messages.expiresAt, describeMark(mark, lang)))
    }
  }

  async function copy() {
    try {
      await window.navigator.clipboard.writeText(code)
      confirm(messages.copied)
    } catch {
      // No clipboard (an http page, a refused permission): select the code, and say how to copy it.
      document.getSelection()?.selectAllChildren(view.code)
      confirm(messages.selected)
    }
  }

  /** The visible confirmation under the copy button, itself a polite live region. */
  function confirm(text: string) {
    clearTimeout(confirmation)
    view.status.textContent = text
    confirmation = setTimeout(() => (view.status.textContent = ''), confirmationMs)
  }

  /** Screen readers only (a visually hidden polite live region). */
  function announce(text: string) {
    view.announcer.textContent = text
  }

  function setState(state: 'loading' | 'code' | 'error') {
    view.loading.hidden = state !== 'loading'
    view.codeBlock.hidden = state !== 'code'
    view.errorBlock.hidden = state !== 'error'
    // Focus must not stay on a button that was just hidden (the body would get it, outside the modal).
    const focused = view.shadow.activeElement
    const lost = !focused || focused.closest('[hidden]') !== null
    if (state === 'loading') {
      // Copy or retry, hidden for the wait, hands focus to the close button until the answer.
      if (lost && focused) focusAction = true
      if (lost) view.close.focus()
      return
    }
    if (lost || focusAction) (state === 'code' ? view.copy : view.retry).focus()
    focusAction = false
  }

  function stopTicking() {
    clearInterval(ticker)
    ticker = undefined
  }

  function onClosed() {
    inFlight?.abort()
    inFlight = null
    stopTicking()
    clearTimeout(confirmation)
    // A closed dialog keeps no code: nothing to read or copy from the page afterwards.
    code = ''
    for (const element of [view.code, view.spoken, view.countdown, view.status, view.announcer, view.error])
      element.textContent = ''
    delete view.code.dataset['code']
    host.remove()
    if (opener?.isConnected) (opener as Element & Partial<HTMLOrSVGElement>).focus?.()
  }

  return { show }
}

type View = ReturnType<typeof buildView>

function buildView(document: Document) {
  const host = document.createElement('threadline-identify')
  // Inline `!important` beats every host rule (`* { all: unset !important }` included), and resets
  // what the shadow tree would inherit from the page (font, colour, direction…).
  host.style.setProperty('all', 'initial', 'important')
  const shadow = host.attachShadow({ mode: 'open' })
  adoptStyles(document, shadow, identifyStyles)

  const element = <Tag extends keyof HTMLElementTagNameMap>(tag: Tag, className = '', id = '') => {
    const created = document.createElement(tag)
    if (className) created.className = className
    if (id) created.id = id
    return created
  }
  const dialog = element('dialog')
  dialog.setAttribute('aria-labelledby', 'title')
  // The dialog's description: where the code goes, read out as the dialog opens.
  dialog.setAttribute('aria-describedby', 'where')
  const title = element('h2', '', 'title')
  const close = element('button', 'x')
  close.type = 'button'
  const closeMark = element('span')
  closeMark.textContent = '×'
  closeMark.setAttribute('aria-hidden', 'true')
  close.append(closeMark)
  const where = element('p', '', 'where')
  const loading = element('p')

  const codeBlock = element('div')
  // Seen, not heard: the spaced-out copy below is what screen readers read.
  const code = element('p', 'c')
  code.setAttribute('aria-hidden', 'true')
  const spoken = element('span', 'r')
  const countdown = element('p', 't')
  const copy = element('button', 'p')
  copy.type = 'button'
  const status = element('p', 's')
  status.setAttribute('role', 'status')
  codeBlock.append(code, spoken, countdown, copy, status)

  const errorBlock = element('div')
  const error = element('p', 'e')
  error.setAttribute('role', 'alert')
  const retry = element('button', 'p')
  retry.type = 'button'
  errorBlock.append(error, retry)

  const never = element('p', 'n')
  const announcer = element('div', 'r')
  announcer.setAttribute('aria-live', 'polite')
  dialog.append(title, close, where, loading, codeBlock, errorBlock, never, announcer)
  shadow.append(dialog)
  return {
    host,
    shadow,
    dialog,
    title,
    close,
    where,
    loading,
    codeBlock,
    code,
    spoken,
    countdown,
    copy,
    status,
    errorBlock,
    error,
    retry,
    never,
    announcer,
  }
}

function applyMessages(view: View, messages: IdentifyMessages) {
  view.title.textContent = messages.title
  view.close.setAttribute('aria-label', messages.close)
  view.where.textContent = messages.where
  view.loading.textContent = messages.loading
  view.copy.textContent = messages.copy
  view.retry.textContent = messages.retry
  view.never.textContent = messages.never
}

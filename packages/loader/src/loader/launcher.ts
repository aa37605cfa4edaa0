/**
 * The host-side DOM: one element appended last to `<body>`, an open shadow root (so tests and
 * assistive tools can see inside; it is a style boundary, not a security one: E4), the launcher
 * button with its unread badge, and later the chat iframe.
 *
 * Built without innerHTML or style attributes so it runs under a host CSP of `style-src 'self'`:
 * the shadow styles are a constructable stylesheet, the host element's styles are set through CSSOM.
 */

import { adoptStyles } from '../common/adopt-styles.js'
import { labelsFor } from './labels.js'

// `all: initial` on every element we style: host rules cannot reach into the shadow tree, but
// inherited properties (font, color, line-height, letter-spacing…) flow through the host element.
// The root <div> is the popover in the top layer: `all: initial` resets the UA's popover styles
// (inset: 0, margin: auto, border, padding, overflow, colours); it lays nothing out, its children
// being fixed.
// `[hidden]` hides the badge at 0 and, in chat mode `hidden`, the button.
// Each line ends in a line continuation (`\`): no newlines in the string, ~30 B less brotli.
const styles = `\
div{all:initial}\
button{all:initial;position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;background:#4f46e5;color:#fff;cursor:pointer;display:grid;place-items:center;box-shadow:0 4px 14px #0004}\
button:focus-visible{outline:3px solid #4f46e5;outline-offset:3px}\
svg{width:28px;height:28px;fill:currentColor}\
span{all:initial;position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;box-sizing:border-box;border-radius:10px;background:#c81e1e;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}\
[hidden]{display:none}\
iframe{all:initial;position:fixed;right:20px;bottom:88px;width:400px;max-width:calc(100vw - 40px);height:min(720px,calc(100vh - 100px));border-radius:12px;box-shadow:0 8px 30px #0005;background:#fff;visibility:hidden}\
.o iframe{visibility:visible}\
@media (max-width:640px){iframe{inset:0;width:100%;max-width:none;height:100vh;height:100dvh;border-radius:0}.o button{display:none}}`

// 24×24 paths, drawn with the current colour: a speech bubble (closed) and a cross (open).
const bubblePath =
  'M12 3C6.5 3 2 6.8 2 11.5c0 2.4 1.2 4.6 3.1 6.1L4 22l4.6-2.4c1.1.3 2.2.4 3.4.4 5.5 0 10-3.8 10-8.5S17.5 3 12 3z'
const crossPath = 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z'
const svgNamespace = 'http://www.w3.org/2000/svg'

export interface Launcher {
  /** The element appended to `<body>` (it is what `document.activeElement` shows while focus is inside). */
  host: HTMLElement
  button: HTMLButtonElement
  /**
   * Draws the launcher, and titles the iframe, for this state, labelled in `locale` (BCP 47);
   * `unreadLabel` is the frame's name for the closed launcher with `unread` messages ('' for none);
   * `hidden`: no launcher (chat mode `hidden`, for a visitor without a session).
   */
  render(open: boolean, unread: number, unreadLabel: string, locale: string, hidden: boolean): void
  /** Puts the chat iframe in the shadow tree, next to the launcher; the next render titles it. */
  mountFrame(iframe: HTMLIFrameElement): void
}

/** The caller renders once right away (before the page paints), then after every change. */
export function createLauncher(document: Document, onToggle: () => void): Launcher {
  const host = document.createElement('threadline-widget')
  pinHost(host, document)
  const shadow = host.attachShadow({ mode: 'open' })
  adoptStyles(document, shadow, styles)

  // Its class (`r`, `r o` while open) is set by render.
  const root = document.createElement('div')
  const button = document.createElement('button')
  button.type = 'button'
  const icon = createIcon(document)
  const badge = document.createElement('span')
  // The count is part of the button's name (below); the badge is only its picture.
  badge.setAttribute('aria-hidden', 'true')
  button.append(icon.svg, badge)
  button.addEventListener('click', onToggle)
  root.append(button)
  shadow.append(root)

  let frame: HTMLIFrameElement | undefined
  const render = (open: boolean, unread: number, unreadLabel: string, locale: string, hidden: boolean) => {
    const [lang, title, label] = labelsFor(locale, open, unreadLabel)
    root.className = open ? 'r o' : 'r'
    button.hidden = hidden
    // Screen readers pick the voice for the label from `lang`; the page's may differ or be missing.
    // No `dir`: the launcher shows no text, only an icon and the (aria-hidden) digits.
    root.lang = lang
    button.setAttribute('aria-expanded', String(open))
    button.setAttribute('aria-label', label)
    if (frame) frame.title = title
    icon.path.setAttribute('d', open ? crossPath : bubblePath)
    badge.hidden = unread === 0
    badge.textContent = unread > 99 ? '99+' : String(unread)
  }
  // Last in <body>, so among equal z-indexes it paints on top (where the top layer is missing).
  document.body.append(host)
  // The top layer: a `transform`, `filter` or `contain` on <html> or <body> would otherwise become
  // the containing block of our fixed children and move or scale them (docs/script-tag-design.md).
  // A manual popover has no light dismiss and takes no focus. The root, not the host element: a
  // popover's `::backdrop` covers the page, and host rules (`::backdrop { background: … }`, meant
  // for their own dialogs) cannot reach one in our shadow tree. Without popover support the root
  // stays in the fixed host element, last in <body>, as before.
  root.popover = 'manual'
  root.showPopover?.()

  return {
    host,
    button,
    render,
    mountFrame(iframe) {
      frame = iframe
      root.append(iframe)
    },
  }
}

/**
 * Inline `!important` declarations win over every host stylesheet rule, `!important` ones included
 * (`* { all: unset !important }`), and `all: initial` clears the transform, filter or contain a
 * host rule could set, any of which would make our fixed children position against it. Through
 * `cssText`, the CSSOM, which a CSP without 'unsafe-inline' allows (a `style` attribute it refuses).
 */
function pinHost(host: HTMLElement, document: Document) {
  // `zoom` on <html> or <body> still reaches us in the top layer (the effective zoom multiplies
  // down the DOM tree): undo it. `currentCSSZoom` is that product; where it is missing the
  // declaration reads `zoom:NaN`, which the CSS parser drops.
  host.style.cssText = `all:initial !important;position:fixed !important;z-index:2147483647 !important;zoom:${1 / document.body.currentCSSZoom} !important;`
}

function createIcon(document: Document) {
  const svg = document.createElementNS(svgNamespace, 'svg')
  svg.setAttribute('viewBox', '0 0 24 24')
  svg.setAttribute('aria-hidden', 'true')
  const path = document.createElementNS(svgNamespace, 'path')
  svg.append(path)
  return { svg, path }
}

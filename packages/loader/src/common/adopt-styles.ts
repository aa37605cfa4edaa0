/**
 * Styles a shadow root with a constructable stylesheet: the CSSOM, so a host CSP without
 * 'unsafe-inline' in style-src cannot block it. The launcher and the identification widget share it.
 */
export function adoptStyles(document: Document, shadow: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
    shadow.adoptedStyleSheets = [sheet]
  } catch {
    // Browsers without constructable stylesheets (Safari < 16.4): a <style> element, which a host
    // CSP without 'unsafe-inline' in style-src blocks, but which works everywhere else.
    const style = document.createElement('style')
    style.textContent = css
    shadow.append(style)
  }
}

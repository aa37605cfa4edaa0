/**
 * `#email=ana@shop.example` in the console's address (the demo prints such a link, an invitation
 * may too) fills in the sign-in form. Only the email: a code or a key never travels in a link. A
 * fragment never reaches a server or a Referer, and it is taken out of the address bar all the same.
 */
export function readEmailFromFragment(): string {
  if (typeof location === 'undefined') return ''
  return new URLSearchParams(location.hash.replace(/^#/, '')).get('email')?.trim() ?? ''
}

export function removeEmailFromFragment(): void {
  if (typeof location === 'undefined') return
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''))
  if (!fragment.has('email')) return
  fragment.delete('email')
  const rest = fragment.toString()
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest === '' ? '' : `#${rest}`}`)
}

/** True on Apple platforms, where shortcuts use ⌘ rather than Ctrl. */
export function isApplePlatform(): boolean {
  if (typeof navigator === 'undefined') return false
  return /Mac|iPhone|iPad|iPod/.test(navigator.platform || navigator.userAgent)
}

/** The modifier's name as the advisor's keyboard prints it. */
export function modifierLabel(): string {
  return isApplePlatform() ? '⌘' : 'Ctrl'
}

/** ⌘ on Apple platforms, Ctrl elsewhere (so Ctrl+K on a Mac stays the text field's own shortcut). */
export function hasModifier(event: KeyboardEvent | { metaKey: boolean; ctrlKey: boolean }): boolean {
  return isApplePlatform() ? event.metaKey : event.ctrlKey
}

/** Typing in a field must not trigger single-key shortcuts such as `?` or `/`. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

/** The console's shortcuts, as the `?` dialog lists them. */
export function shortcutList(): { keys: string; action: string }[] {
  const mod = modifierLabel()
  return [
    {
      keys: `${mod}+K`,
      action: 'Open the command palette: jump to a conversation, take it, finish it, insert a canned reply',
    },
    { keys: '/', action: 'Search conversations' },
    { keys: '?', action: 'Show these shortcuts' },
    { keys: '← →', action: 'Move between views (on the view tabs)' },
    { keys: 'Enter', action: 'Send the reply or add the note (Shift+Enter: new line)' },
    { keys: `${mod}+/`, action: 'In the reply box: switch between a reply and a private note' },
    { keys: '/ …', action: 'In the reply box, at the start of a word: insert a canned reply' },
    { keys: '@ …', action: 'In a note: mention a teammate' },
    { keys: 'Escape', action: 'Close a dialog, clear the search' },
  ]
}

import { useId, useMemo, useState } from 'react'
import type { KeyboardEvent } from 'react'
import { matchesQuery } from './composer-token.js'
import { Modal } from './modal.js'

/** One thing the palette can do. Other features add theirs through `PaletteProps.commands`. */
export interface Command {
  id: string
  /** What the advisor reads and types to find it. */
  label: string
  /** A second line: whose conversation, which view. */
  hint?: string
  run: () => void
}

export interface PaletteProps {
  commands: Command[]
  onClose: () => void
  /** The dialog's name: "Command palette", or what a narrower picker (canned replies) offers. */
  label?: string
  placeholder?: string
}

/**
 * ⌘K / Ctrl+K: a combobox over the commands. Up and Down move, Enter runs the highlighted one and
 * closes the palette, Escape closes it; focus returns where it was.
 */
export function CommandPalette({
  commands,
  onClose,
  label = 'Command palette',
  placeholder = 'Jump to a conversation, take, finish…',
}: PaletteProps) {
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const listId = useId()
  const found = useMemo(
    () => commands.filter((command) => matchesQuery(query, [command.label, command.hint ?? ''])).slice(0, 50),
    [commands, query],
  )
  const current = found[Math.min(active, found.length - 1)]
  const optionId = (index: number) => `${listId}-option-${index}`

  function run(command: Command | undefined): void {
    if (!command) return
    onClose()
    command.run()
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>): void {
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key]
    if (step !== undefined && found.length > 0) {
      event.preventDefault()
      setActive((index) => (Math.min(index, found.length - 1) + step + found.length) % found.length)
    } else if (event.key === 'Enter') {
      event.preventDefault()
      run(current)
    }
  }

  return (
    <Modal label={label} onClose={onClose} className="console-palette">
      <input
        type="text"
        role="combobox"
        aria-label="Command"
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={current ? optionId(found.indexOf(current)) : undefined}
        placeholder={placeholder}
        autoComplete="off"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value)
          setActive(0)
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label="Commands">
        {found.map((command, index) => (
          <li
            key={command.id}
            id={optionId(index)}
            role="option"
            aria-selected={command === current}
            className="console-palette__option"
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => run(command)}
          >
            <span>{command.label}</span>
            {command.hint && <span className="console-muted">{command.hint}</span>}
          </li>
        ))}
      </ul>
      {found.length === 0 && <p className="console-muted">No matching command.</p>}
    </Modal>
  )
}

import { shortcutList } from './keyboard.js'
import { Modal } from './modal.js'

/** The `?` dialog: every shortcut of the console, with the modifier of this platform (⌘ or Ctrl). */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal label="Keyboard shortcuts" onClose={onClose} className="console-shortcuts">
      <h2>Keyboard shortcuts</h2>
      <table>
        <tbody>
          {shortcutList().map((shortcut) => (
            <tr key={shortcut.keys}>
              <th scope="row">
                <kbd>{shortcut.keys}</kbd>
              </th>
              <td>{shortcut.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="console-button" onClick={onClose}>
        Close
      </button>
    </Modal>
  )
}

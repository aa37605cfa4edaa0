import { readFileSync } from 'node:fs'

/**
 * A development server's clock, moved by a file: `Date.now()` plus the milliseconds the file holds
 * (an integer, possibly negative), read again on every call so a test moves a running
 * `threadline start` forward (past a block's end, say) by writing the file. No file, or an empty
 * one, is no offset. Only `THREADLINE_DEV_CLOCK_OFFSET_FILE` in development mode wires it in;
 * `loadConfig` refuses the setting in production.
 */
export function devClock(offsetFile: string): () => number {
  return () => Date.now() + readOffset(offsetFile)
}

function readOffset(offsetFile: string): number {
  let text: string
  try {
    text = readFileSync(offsetFile, 'utf8').trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
  if (text === '') return 0
  if (!/^-?\d+$/.test(text)) {
    throw new Error(
      `THREADLINE_DEV_CLOCK_OFFSET_FILE (${offsetFile}) must hold an integer of milliseconds, got "${text}"`,
    )
  }
  return Number(text)
}

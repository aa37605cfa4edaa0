import { join, normalize, sep } from 'node:path'

/** `root/relative`, or null when `relative` would climb out of `root` (`..`, absolute paths, NUL). */
export function resolveInside(root: string, relative: string): string | null {
  if (relative.includes('\0')) return null
  const file = normalize(join(root, relative))
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null
}

import type { AttachmentScanState } from '@threadline/protocol'

/** What a malware scanner says about one file (D6). Errors reject; the file then stays `pending`. */
export interface FileScanner {
  scan(bytes: Uint8Array, file: { name: string; contentType: string }): Promise<'clean' | 'blocked'>
}

/**
 * How files that are not re-encoded images are judged (D6):
 * - a `FileScanner` (clamd): its verdict, and `pending` when it cannot answer;
 * - `'none'`: the operator chose no scanning, so such files are `clean` at once;
 * - `'hold'`: no scanner configured, so they stay `pending` and are never served.
 * Re-encoded images are `clean` whatever the policy: their bytes are pixels we wrote ourselves.
 */
export type ScanPolicy = FileScanner | 'none' | 'hold'

/** The scan state a new file starts with under `policy`. A scanner that fails leaves it `pending`, logged. */
export async function scanStateFor(
  policy: ScanPolicy,
  bytes: Uint8Array,
  file: { name: string; contentType: string },
  log: (line: string) => void,
): Promise<AttachmentScanState> {
  if (policy === 'none') return 'clean'
  if (policy === 'hold') return 'pending'
  try {
    return await policy.scan(bytes, file)
  } catch (error) {
    log(`The file scanner failed; the file stays pending: ${error instanceof Error ? error.message : String(error)}`)
    return 'pending'
  }
}

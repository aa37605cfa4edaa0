import { errorMessage } from '../errors/error-message.js'
import type { ServerContext } from '../server-context.js'

/** Files scanned per run at most; the rest wait for the next run. */
const filesPerRun = 20

export interface RescanResult {
  clean: number
  blocked: number
  /** Files the scanner could not judge this time; they stay `pending` for a later run. */
  failed: number
}

/**
 * D6: scans files left `pending` again, those tried longest ago (or never) first. Only a configured
 * scanner does it: under `hold` files wait for one by design, under `none` nothing is pending. A
 * run stops at the first file the scanner cannot judge (it is most likely down) and that file moves
 * to the back of the queue, so one file the scanner always fails on never holds the others up.
 * Each file is claimed with a conditional update first, so of several server processes rescanning
 * at once only one scans it. Driven by a timer (`pendingRescanMs`) and called directly by tests.
 */
export async function rescanPendingFiles(context: ServerContext): Promise<RescanResult> {
  const result: RescanResult = { clean: 0, blocked: 0, failed: 0 }
  const scanner = context.settings.fileScanner
  if (typeof scanner === 'string') return result
  const { db } = context.database
  const candidates = await db
    .selectFrom('uploads')
    .select(['id', 'name', 'content_type', 'scan_attempted_at'])
    .where('scan_state', '=', 'pending')
    .orderBy((eb) => eb.fn.coalesce('scan_attempted_at', eb.lit(0)))
    .orderBy('created_at')
    .orderBy('id')
    .limit(filesPerRun)
    .execute()

  for (const candidate of candidates) {
    const claimed = await db
      .updateTable('uploads')
      .set({ scan_attempted_at: context.now() })
      .where('id', '=', candidate.id)
      .where('scan_state', '=', 'pending')
      .where('scan_attempted_at', candidate.scan_attempted_at === null ? 'is' : '=', candidate.scan_attempted_at)
      .executeTakeFirst()
    if (claimed.numUpdatedRows !== 1n) continue
    const file = await db.selectFrom('uploads').select('bytes').where('id', '=', candidate.id).executeTakeFirst()
    if (!file) continue
    let verdict: 'clean' | 'blocked'
    try {
      verdict = await scanner.scan(new Uint8Array(file.bytes), {
        name: candidate.name,
        contentType: candidate.content_type,
      })
    } catch (error) {
      result.failed += 1
      context.log(`The file scanner failed again; pending files wait for the next rescan: ${errorMessage(error)}`)
      return result
    }
    await db
      .updateTable('uploads')
      .set({ scan_state: verdict })
      .where('id', '=', candidate.id)
      .where('scan_state', '=', 'pending')
      .execute()
    result[verdict] += 1
  }
  return result
}

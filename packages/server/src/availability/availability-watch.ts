import type { Availability, WorkspaceAvailabilityEvent } from '@threadline/protocol'
import { errorMessage } from '../errors/error-message.js'
import type { StreamRegistry } from '../realtime/stream-registry.js'
import type { ServerContext } from '../server-context.js'
import { findWorkspace } from '../workspaces/workspaces.js'
import { availabilityOf } from './chat-settings.js'

/**
 * Tells open chats when the mode changes (`workspace.availability` on each customer stream of the
 * workspace in this process): at once when this process changed the settings (`changed`), and for
 * a schedule's turn or a change made by another process, at the next check (every
 * `availabilityCheckMs`, 5 s by default). Checking instead of arming one timer per change also
 * follows a clock that jumps (the development clock), which a timer would not.
 */
export interface AvailabilityWatch {
  /** The workspace's settings changed here: tell its open chats now. */
  changed(workspaceId: string): Promise<void>
  /** A chat opened and was told `availability`: the baseline for the next check, if there is none yet. */
  opened(workspaceId: string, availability: Availability): void
  /** Looks at every workspace with open chats; run by the timer. */
  check(): Promise<void>
  close(): void
}

export function createAvailabilityWatch(
  context: ServerContext,
  { registry, everyMs }: { registry: StreamRegistry; everyMs: number },
): AvailabilityWatch {
  /** What each workspace's chats were last told, as compared: the mode and its times. */
  const told = new Map<string, string>()
  const shape = (availability: Availability) =>
    JSON.stringify([availability.mode, availability.changesAt, availability.nextLiveAt])

  const tell = async (workspaceId: string, always: boolean) => {
    const workspace = await findWorkspace(context, workspaceId)
    if (!workspace) return
    const availability = await availabilityOf(context, workspace)
    const now = shape(availability)
    if (!always && told.get(workspaceId) === now) return
    told.set(workspaceId, now)
    const event: WorkspaceAvailabilityEvent = { type: 'workspace.availability', at: availability.at, availability }
    registry.sendToCustomersOf(workspaceId, event)
  }

  let checking: Promise<void> | null = null
  const watch: AvailabilityWatch = {
    changed: (workspaceId) => tell(workspaceId, true),
    opened(workspaceId, availability) {
      if (!told.has(workspaceId)) told.set(workspaceId, shape(availability))
    },
    check() {
      checking ??= (async () => {
        const open = registry.customerWorkspaceIds()
        for (const workspaceId of told.keys()) if (!open.includes(workspaceId)) told.delete(workspaceId)
        for (const workspaceId of open) await tell(workspaceId, false)
      })().finally(() => {
        checking = null
      })
      return checking
    },
    close() {
      clearInterval(timer)
    },
  }
  const timer = setInterval(() => {
    watch.check().catch((error: unknown) => context.log(`The chat-mode check failed: ${errorMessage(error)}`))
  }, everyMs)
  timer.unref()
  return watch
}

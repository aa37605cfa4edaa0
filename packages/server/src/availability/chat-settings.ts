import type { Availability, ChatSchedule, ChatSettings, ChatSettingsResponse } from '@threadline/protocol'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { isKnownTimeZone } from '../transcripts/time-zone.js'
import { findWorkspace, writeWorkspaceSettings } from '../workspaces/workspaces.js'
import type { Workspace } from '../workspaces/workspaces.js'
import { modeAt } from './schedule.js'
import { replyTimePromise } from './reply-promise.js'

/** What customers see now: the mode, when it changes, when the team is back, and the reply-time promise. */
export async function availabilityOf(context: ServerContext, workspace: Workspace): Promise<Availability> {
  const at = context.now()
  const { mode, changesAt, nextLiveAt } = modeAt(workspace.chat, at)
  return {
    mode,
    at: iso(at),
    changesAt: changesAt === null ? null : iso(changesAt),
    nextLiveAt: nextLiveAt === null ? null : iso(nextLiveAt),
    replyTimeMs: await replyTimePromise(context, workspace),
  }
}

const iso = (at: number) => new Date(at).toISOString()

export async function chatSettingsResponse(
  context: ServerContext,
  workspace: Workspace,
): Promise<ChatSettingsResponse> {
  return { settings: workspace.chat, availability: await availabilityOf(context, workspace) }
}

/**
 * Replaces the workspace's override and schedule (H4: the routes let owners and admins only). The
 * body already passed the schema; this judges what a schema cannot: a zone this runtime knows, hours
 * that open before they close, real dates, an override that ends in the future.
 */
export async function setChatSettings(
  context: ServerContext,
  workspaceId: string,
  settings: ChatSettings,
): Promise<Workspace> {
  if (settings.schedule) checkSchedule(settings.schedule)
  const until = settings.override?.until
  if (until && Date.parse(until) <= context.now())
    throw new ApiError('validation_failed', 'Invalid request: override.until must be in the future')
  // Stored in a stable shape (only the known fields), so what is read back is what was checked.
  const stored: ChatSettings = {
    override: settings.override && { mode: settings.override.mode, until: settings.override.until },
    schedule: settings.schedule && {
      timeZone: settings.schedule.timeZone,
      weekly: settings.schedule.weekly.map(({ day, opens, closes }) => ({ day, opens, closes })),
      exceptions: settings.schedule.exceptions.map(({ date, hours, label }) => ({
        date,
        hours: hours.map(({ opens, closes }) => ({ opens, closes })),
        ...(label === undefined ? {} : { label }),
      })),
      closedMode: settings.schedule.closedMode,
    },
  }
  await writeWorkspaceSettings(context.database.db, workspaceId, { chat_settings: JSON.stringify(stored) })
  const workspace = await findWorkspace(context, workspaceId)
  if (!workspace) throw new ApiError('not_found', 'No such workspace')
  return workspace
}

function checkSchedule(schedule: ChatSchedule): void {
  const refuse = (message: string) => {
    throw new ApiError('validation_failed', `Invalid request: ${message}`)
  }
  if (!isKnownTimeZone(schedule.timeZone)) refuse(`schedule.timeZone ${schedule.timeZone} is not a known time zone`)
  const openings = [
    ...schedule.weekly.map((opening, index) => ({ opening, where: `schedule.weekly[${index}]` })),
    ...schedule.exceptions.flatMap((exception, index) =>
      exception.hours.map((opening, hour) => ({ opening, where: `schedule.exceptions[${index}].hours[${hour}]` })),
    ),
  ]
  for (const { opening, where } of openings)
    if (opening.opens >= opening.closes)
      refuse(`${where} must open before it closes (${opening.opens}–${opening.closes})`)
  const dates = new Set<string>()
  for (const [index, { date }] of schedule.exceptions.entries()) {
    const parsed = new Date(`${date}T00:00:00Z`)
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date)
      refuse(`schedule.exceptions[${index}].date ${date} is not a date`)
    if (dates.has(date)) refuse(`schedule.exceptions lists ${date} twice`)
    dates.add(date)
  }
}

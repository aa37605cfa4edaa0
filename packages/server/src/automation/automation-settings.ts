import type {
  AutomationSettings,
  AutomationSettingsResponse,
  IntakeSettings,
  LocalizedText,
  VisitorQuickStart,
} from '@threadline/protocol'
import type { ReplyLanguage } from '../identification/replies.js'
import { ApiError } from '../errors/api-error.js'
import type { ServerContext } from '../server-context.js'
import { findWorkspace, writeWorkspaceSettings } from '../workspaces/workspaces.js'
import type { Workspace } from '../workspaces/workspaces.js'
import { liveBot } from './controller.js'
import { inLanguage } from './intake.js'

/** The workspace's bot settings, and the bot they name while its key is live. */
export async function automationSettingsResponse(
  context: ServerContext,
  workspace: Workspace,
): Promise<AutomationSettingsResponse> {
  const { botKeyId } = workspace.automation
  const bot = botKeyId === null ? null : await liveBot(context.database.db, workspace.id, botKeyId)
  return { settings: workspace.automation, bot }
}

/**
 * Replaces the workspace's bot settings (H4: the route lets owners and admins only). The bot must be
 * a live `bot`-scope key of this workspace: another workspace's key is refused like an unknown one
 * (H7), so an id tells nothing about other workspaces.
 */
export async function setAutomationSettings(
  context: ServerContext,
  workspaceId: string,
  settings: AutomationSettings,
): Promise<Workspace> {
  const { botKeyId, replyDeadlineSeconds, idleDeadlineSeconds } = settings
  await context.database.db.transaction().execute(async (transaction) => {
    if (botKeyId !== null && (await liveBot(transaction, workspaceId, botKeyId)) === null)
      throw new ApiError('validation_failed', 'Invalid request: botKeyId must name a live bot key of this workspace')
    // Stored in a stable shape (only the known fields), so what is read back is what was checked.
    const stored: AutomationSettings = { botKeyId, replyDeadlineSeconds, idleDeadlineSeconds }
    await writeWorkspaceSettings(transaction, workspaceId, { automation_settings: JSON.stringify(stored) })
  })
  const workspace = await findWorkspace(context, workspaceId)
  if (!workspace) throw new ApiError('not_found', 'No such workspace')
  return workspace
}

/**
 * Replaces the workspace's intake steps and quick starts (H4: owners and admins); a body without
 * `quickStarts` keeps the stored ones, so a client that knows only steps loses none. The body
 * already passed the schema; it is stored in a stable shape, so what is read back is what was
 * checked. Sessions in intake now go on with the new steps; answers to removed steps are kept.
 */
export async function setIntakeSettings(
  context: ServerContext,
  workspace: Workspace,
  { steps, quickStarts = workspace.intake.quickStarts }: IntakeSettings,
): Promise<Workspace> {
  const stored: Required<IntakeSettings> = {
    steps: steps.map(({ id, kind, prompt, options }) => ({
      id,
      kind,
      prompt: localized(prompt),
      ...(options === undefined ? {} : { options: options.map(localized) }),
    })),
    quickStarts: quickStarts.map(({ id, label, message }) => ({
      id,
      label: localized(label),
      message: localized(message),
    })),
  }
  await writeWorkspaceSettings(context.database.db, workspace.id, { intake_settings: JSON.stringify(stored) })
  const changed = await findWorkspace(context, workspace.id)
  if (!changed) throw new ApiError('not_found', 'No such workspace')
  return changed
}

function localized({ en, es, fr, de, ar }: LocalizedText): LocalizedText {
  return { en, ...(es && { es }), ...(fr && { fr }), ...(de && { de }), ...(ar && { ar }) }
}

/** The workspace's quick starts as a customer's chat shows them: in `language`, else in English. */
export function quickStartsIn(workspace: Workspace, language: ReplyLanguage): VisitorQuickStart[] {
  return workspace.intake.quickStarts.map(({ id, label, message }) => ({
    id,
    label: inLanguage(label, language),
    message: inLanguage(message, language),
  }))
}

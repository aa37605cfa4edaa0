import * as z from 'zod/mini'
import { accountSchema, workspaceSettingsSchema } from './identification.js'

// The admin API's answers (server to server, the workspace secret); its requests live beside the
// identification schemas they extend. `adminRouteSchemas` ties both to the routes.

export const accountResponseSchema = z.object({ account: accountSchema })
export type AccountResponse = z.infer<typeof accountResponseSchema>

export const workspaceSettingsResponseSchema = z.object({ workspace: workspaceSettingsSchema })
export type WorkspaceSettingsResponse = z.infer<typeof workspaceSettingsResponseSchema>

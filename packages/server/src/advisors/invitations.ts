import type { AdvisorRole, TeamMember } from '@threadline/protocol'
import type { ServerContext } from '../server-context.js'
import { composeInvitationEmail, consoleLink } from './advisor-emails.js'
import { addAdvisor, toTeamMember } from './team.js'

/**
 * Adds the advisor and mails them the console link (the CLI, the admin API and the team route all
 * invite this way). An email already on the team is answered as it is and not mailed again.
 */
export async function inviteAdvisor(
  context: ServerContext,
  {
    workspace,
    email,
    name,
    role,
    publicOrigin,
  }: { workspace: { id: string; name: string }; email: string; name: string; role: AdvisorRole; publicOrigin: string },
): Promise<TeamMember> {
  const { advisor, added } = await addAdvisor(context, { workspaceId: workspace.id, email, name, role })
  if (added && advisor.email !== null) {
    await context.mailer.send(
      composeInvitationEmail({
        to: advisor.email,
        workspaceName: workspace.name,
        role,
        link: consoleLink(publicOrigin),
        from: context.settings.mailFrom,
      }),
    )
  }
  return toTeamMember(context, advisor)
}

import type { AdvisorRole, ConsoleSession, TeamMember } from '@threadline/protocol'
import type { TeamClient } from '@threadline/api'
import { ConfirmButton } from './confirm-button.js'
import { ErrorAlert } from './error-alert.js'
import { InviteForm } from './invite-form.js'
import { assignableRoles, managesTeam, presenceLabels, roleLabels } from './team-labels.js'
import { useServerData } from './use-server-data.js'

export interface TeamPanelProps {
  team: TeamClient
  session: ConsoleSession
  /** Where focus goes when the control that had it is gone (a removed teammate's row). */
  onFocusLost: () => void
}

/** Presence changes without an event: the list is read again this often while it is open. */
export const teamRefreshMs = 15_000

/**
 * Everyone on the team with role and presence. Owners and admins also see the invitation form, a
 * role picker and Remove on each teammate's row; an advisor sees the list only, because the server
 * would refuse the rest (H4) and a control that can only fail is not offered.
 */
export function TeamPanel({ team, session, onFocusLost }: TeamPanelProps) {
  const {
    data: advisors,
    error,
    reload,
    change,
  } = useServerData((signal) => team.listAdvisors({ signal }), {
    refreshMs: teamRefreshMs,
  })
  const viewer = session.advisor
  const manager = managesTeam(viewer.role)
  const owners = advisors?.filter((member) => member.role === 'owner').length ?? 0

  /** What the viewer may do to this teammate, as the server's rules say. */
  function controlsFor(member: TeamMember): { roles: AdvisorRole[]; removable: boolean } | null {
    if (!manager || member.id === viewer.id) return null
    // The last owner can be neither demoted nor removed; only an owner touches an owner's role upward.
    if (member.role === 'owner' && owners <= 1) return null
    const roles = assignableRoles(viewer.role)
    return { roles: roles.includes(member.role) ? roles : [member.role, ...roles], removable: true }
  }

  return (
    <div className="console-settings__panel">
      {manager ? (
        <InviteForm team={team} role={viewer.role} onInvited={reload} />
      ) : (
        <p className="console-muted">Owners and admins invite people, change roles and remove teammates.</p>
      )}
      <ErrorAlert error={error} />
      <div className="console-table-wrap">
        <table className="console-table">
          <caption>Team ({advisors?.length ?? '…'})</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              {manager && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {advisors?.map((member) => {
              const controls = controlsFor(member)
              return (
                <tr key={member.id}>
                  <th scope="row">
                    <span className="console-table__stack">
                      <span className="console-table__name">
                        {member.name}
                        {member.id === viewer.id && <span className="console-badge">You</span>}
                      </span>
                      {member.email && <span className="console-muted">{member.email}</span>}
                    </span>
                  </th>
                  <td>
                    {controls ? (
                      <select
                        aria-label={`Role of ${member.name}`}
                        value={member.role}
                        onChange={(event) =>
                          void change(() =>
                            team.changeRole({ advisorId: member.id, role: event.target.value as AdvisorRole }),
                          ).catch(() => undefined)
                        }
                      >
                        {controls.roles.map((role) => (
                          <option key={role} value={role}>
                            {roleLabels[role]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      roleLabels[member.role]
                    )}
                  </td>
                  <td>
                    <span className="console-presence" data-presence={member.presence}>
                      <span className="console-presence__dot" aria-hidden />
                      {presenceLabels[member.presence]}
                    </span>
                  </td>
                  {manager && (
                    <td>
                      {controls?.removable && (
                        <ConfirmButton
                          label="Remove"
                          name={`Remove ${member.name} from the team`}
                          question={`Remove ${member.name} from the team?`}
                          detail="Their sessions and API keys end at once and their open consoles lose access; their messages keep their name."
                          confirmLabel={`Remove ${member.name}`}
                          onConfirm={async () => {
                            await change(() => team.remove({ advisorId: member.id }))
                            onFocusLost()
                          }}
                        />
                      )}
                    </td>
                  )}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </div>
  )
}

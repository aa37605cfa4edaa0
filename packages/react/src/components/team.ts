import { createContext, useContext } from 'react'

export type ReplyTime = 'minutes' | 'hours' | 'day'

export interface TeamAvatar {
  name: string
  /** https URL (http only on localhost). */
  src: string
}

/** Who answers: shown in the header and the empty state. */
export interface Team {
  /** Default: the catalogue's "Support". */
  name?: string
  avatars?: TeamAvatar[]
  /** A preset, translated; or your own sentence, shown as is. */
  replyTime?: ReplyTime | (string & {})
}

export const TeamContext = createContext<Team>({})

export function useTeam(): Team {
  return useContext(TeamContext)
}

import type { ServerContext } from '../server-context.js'

/** An advisor as a mention can name them: by display name, or by email once advisors have one. */
export interface MentionableAdvisor {
  id: string
  name: string
  email: string | null
}

const wordCharacter = /[\p{L}\p{N}_]/u

/**
 * The ids of the advisors a note's `@Name` or `@email` tokens name, in order of first mention,
 * resolved once, when the note is written: a later rename does not move a mention. The longest
 * handle wins (`@Ana María` over `@Ana`); a token that names nobody stays plain text and adds no id.
 */
export function resolveMentions(text: string, advisors: readonly MentionableAdvisor[]): string[] {
  const handles = advisors
    .flatMap((advisor) =>
      [advisor.name, advisor.email ?? ''].map((handle) => ({ id: advisor.id, handle: handle.trim() })),
    )
    .filter(({ handle }) => handle !== '')
    .map(({ id, handle }) => ({ id, handle: handle.toLowerCase() }))
    .sort((a, b) => b.handle.length - a.handle.length)
  const lower = text.toLowerCase()
  const found: string[] = []
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    // `ana@shop.example` is an address in the text, not a mention.
    if (at > 0 && wordCharacter.test(lower[at - 1] ?? '')) continue
    const rest = lower.slice(at + 1)
    const longest = handles.find(
      ({ handle }) => rest.startsWith(handle) && !wordCharacter.test(rest[handle.length] ?? ''),
    )
    if (!longest) continue
    for (const { id, handle } of handles) {
      if (handle === longest.handle && !found.includes(id)) found.push(id)
    }
  }
  return found
}

/** Everyone a note in this workspace can mention. Advisors have no email yet, so only names match today. */
export async function mentionableAdvisors(context: ServerContext, workspaceId: string): Promise<MentionableAdvisor[]> {
  const rows = await context.database.db
    .selectFrom('agents')
    .select(['id', 'name'])
    .where('workspace_id', '=', workspaceId)
    .execute()
  return rows.map((row) => ({ id: row.id, name: row.name, email: null }))
}

/** What a canned reply's variables can name, as the console knows it when the advisor inserts the reply. */
export interface CannedVariables {
  customer: { name: string | null; email: string | null }
  advisor: { name: string }
  workspace: { name: string }
}

// `{customer.firstName}` or `{customer.firstName|there}`: a dotted name, then an optional fallback after `|`.
const variablePattern = /\{([A-Za-z]+\.[A-Za-z]+)(?:\|([^{}]*))?\}/g

// The characters the Markdown subset gives meaning to; a value is text, never markup.
const markdownSpecial = /[\\`*_~[\]<>]/g

/**
 * N2: the only place variables are expanded, in the console, when an advisor inserts a canned reply
 * (the server stores and sends text exactly as typed). One pass over the reply's own text: a value
 * goes in as plain text (Markdown characters escaped) and is never read for variables again, so a
 * customer named `{advisor.name}` stays that. An unknown variable, or a known one with no value and
 * no fallback, is left as typed for the advisor to see and fix before sending.
 */
export function expandCannedVariables(text: string, variables: CannedVariables): string {
  const values: Record<string, string | null> = {
    'customer.name': present(variables.customer.name),
    'customer.firstName': firstWord(variables.customer.name),
    'customer.email': present(variables.customer.email),
    'advisor.name': present(variables.advisor.name),
    'workspace.name': present(variables.workspace.name),
  }
  return text.replace(variablePattern, (token, name: string, fallback: string | undefined) => {
    if (!Object.hasOwn(values, name)) return token
    const value = values[name] ?? (fallback === undefined ? null : fallback.trim())
    return value === null ? token : asPlainText(value)
  })
}

function present(value: string | null): string | null {
  const trimmed = value?.trim() ?? ''
  return trimmed === '' ? null : trimmed
}

function firstWord(name: string | null): string | null {
  return present(name)?.split(/\s+/)[0] ?? null
}

function asPlainText(value: string): string {
  return value.replace(markdownSpecial, (character) => `\\${character}`)
}

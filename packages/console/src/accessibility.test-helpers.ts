import axe from 'axe-core'
import { expect } from 'vitest'

/** axe on a rendered screen; jsdom lays nothing out, so contrast cannot be computed there, the rest of axe runs. */
export async function expectAccessible(container: Element): Promise<void> {
  const { violations } = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } })
  expect(
    violations.map(
      (violation) =>
        `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([])
}

import { describe, expect, it } from 'vitest'
import { expandCannedVariables } from './canned-variables.js'
import type { CannedVariables } from './canned-variables.js'

const known: CannedVariables = {
  customer: { name: 'Ana María Ruiz', email: 'ana@example.test' },
  advisor: { name: 'Sam' },
  workspace: { name: 'Test Shop' },
}
const nameless: CannedVariables = { ...known, customer: { name: null, email: null } }

describe('expandCannedVariables', () => {
  describe('when every variable has a value', () => {
    it('N2: fills in the customer, advisor and workspace variables', () => {
      expect(
        expandCannedVariables(
          'Hi {customer.firstName}, {advisor.name} from {workspace.name} here. ({customer.name}, {customer.email})',
          known,
        ),
      ).toBe('Hi Ana, Sam from Test Shop here. (Ana María Ruiz, ana@example.test)')
    })

    it('N2: uses the value, not the fallback', () => {
      expect(expandCannedVariables('Hi {customer.firstName|there}!', known)).toBe('Hi Ana!')
    })
  })

  describe('when a value is missing', () => {
    it('N2: uses the fallback after |', () => {
      expect(expandCannedVariables('Hi {customer.firstName|there}! {customer.email|}', nameless)).toBe('Hi there! ')
    })

    it('N2: leaves a variable with neither value nor fallback as typed', () => {
      expect(expandCannedVariables('Hi {customer.firstName}!', nameless)).toBe('Hi {customer.firstName}!')
    })
  })

  describe('when the text names something unknown', () => {
    it('N2: leaves unknown variables and stray braces as typed', () => {
      const text = 'Your {order.number|order} {customer.toString} {constructor.name} {advisor} { x } {}'
      expect(expandCannedVariables(text, known)).toBe(text)
    })
  })

  describe('when a value is controlled by the customer', () => {
    it('N2: never expands variables inside a value (no recursion)', () => {
      const sneaky = { ...known, customer: { name: '{advisor.name} {workspace.name|x}', email: null } }
      expect(expandCannedVariables('Hello {customer.name}, I am {advisor.name}', sneaky)).toBe(
        'Hello {advisor.name} {workspace.name|x}, I am Sam',
      )
    })

    it('N2: inserts the value as plain text, its Markdown characters escaped', () => {
      const markup = { ...known, customer: { name: '[Pay here](https://evil.example) **now** <b>', email: null } }
      expect(expandCannedVariables('Hi {customer.name}', markup)).toBe(
        'Hi \\[Pay here\\](https://evil.example) \\*\\*now\\*\\* \\<b\\>',
      )
    })

    it('N2: treats a fallback as text too', () => {
      expect(expandCannedVariables('Hi {customer.firstName|*friend*}', nameless)).toBe('Hi \\*friend\\*')
    })
  })
})

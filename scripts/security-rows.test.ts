import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  checkRepository,
  checkRepositoryAt,
  citedIds,
  parseRows,
  rowsDocument,
  type Problem,
  type RepositoryFile,
} from './security-rows.ts'

// docs/security.md against the code, and the check itself on small fake trees, so each kind of
// problem is shown to be reported. Fake content is built from pieces where it names the outside
// documents, so this file does not itself mention them.

const root = resolve(import.meta.dirname, '..')

const outside = (name: string) => `${name.toUpperCase()}.md`

/** A rows document with one row per [id, tests] pair. */
function rows(...entries: [id: string, tests: string[]][]) {
  const body = entries
    .map(([id, tests]) => [`### ${id} · A row`, '', 'What happens.', '', ...tests].join('\n'))
    .join('\n\n')
  return `# Rows\n\n## (a) Family\n\n${body}\n`
}

const otpTest: RepositoryFile = {
  path: 'packages/server/src/auth/otp.test.ts',
  text: [
    "describe('email codes', () => {",
    "  it('A1: refuses the right code after five wrong attempts', () => {})",
    // A title that is a template literal keeps its text around the substitution.
    '  it(`A2: refuses a code after ${minutes} minutes`, () => {})',
    '})',
  ].join('\n'),
}

const a2: [string, string[]] = ['A2', ['- `packages/server/src/auth/otp.test.ts` — A2: refuses a code after']]
const goodRows = rows(['A1', ['- `packages/server/src/auth/otp.test.ts` — A1: refuses the right code']], a2)

function check(files: RepositoryFile[]) {
  return checkRepository(files)
}

const kinds = (problems: Problem[]) => problems.map((problem) => `${problem.kind} ${problem.path}:${problem.line}`)

describe('docs/security.md', () => {
  const problems = checkRepositoryAt(root)

  it('defines every row the code, tests and docs cite, and each row names tests that exist', () => {
    const messages = problems
      .filter((problem) => problem.kind !== 'outside-document')
      .map((problem) => `${problem.path}:${problem.line} ${problem.message}`)
    expect(messages).toEqual([])
  })

  it('is the only rule book: nothing mentions the design documents that lived outside the repository', () => {
    const messages = problems
      .filter((problem) => problem.kind === 'outside-document')
      .map((problem) => `${problem.path}:${problem.line} ${problem.message}`)
    expect(messages).toEqual([])
  })
})

describe('the security rows check', () => {
  describe('when everything is in order', () => {
    it('reports nothing', () => {
      const code: RepositoryFile = { path: 'packages/server/src/auth/otp.ts', text: '// A1: six digits.\n' }
      expect(check([{ path: rowsDocument, text: goodRows }, otpTest, code])).toEqual([])
    })
  })

  describe('when code cites a row the document does not define', () => {
    it('reports the file and line of each citation', () => {
      const code: RepositoryFile = {
        path: 'packages/server/src/auth/otp.ts',
        text: ['const a = 1', '// A1: six digits.', '/** Sent once only (A1, A7). */', "it('A9: same answer', f)"].join(
          '\n',
        ),
      }
      const problems = check([{ path: rowsDocument, text: goodRows }, otpTest, code])
      expect(kinds(problems)).toEqual([
        'undefined-row packages/server/src/auth/otp.ts:3',
        'undefined-row packages/server/src/auth/otp.ts:4',
      ])
      expect(problems.map((problem) => problem.message)).toEqual([
        'cites A7, which docs/security.md does not define',
        'cites A9, which docs/security.md does not define',
      ])
    })

    it('reports an id inside a range, and one in a Markdown doc', () => {
      const doc: RepositoryFile = { path: 'docs/notes.md', text: 'Codes as rows A1–A3 describe them.\n' }
      expect(check([{ path: rowsDocument, text: goodRows }, otpTest, doc]).map((problem) => problem.message)).toEqual([
        'cites A3, which docs/security.md does not define',
      ])
    })
  })

  describe('when a row names no test', () => {
    it('reports the row', () => {
      const document = rows(['A1', ['- `packages/server/src/auth/otp.test.ts` — A1: refuses']], ['A2', []])
      const problems = check([{ path: rowsDocument, text: document }, otpTest])
      expect(kinds(problems)).toEqual([`row-without-test ${rowsDocument}:11`])
      expect(problems[0]?.message).toBe('row A2 names no test')
    })
  })

  describe('when a row names a test file that does not exist', () => {
    it('reports the line that names it', () => {
      const document = rows(['A1', ['- `packages/server/src/auth/gone.test.ts` — A1: refuses']], a2)
      const problems = check([{ path: rowsDocument, text: document }, otpTest])
      expect(kinds(problems)).toEqual([`missing-test-file ${rowsDocument}:9`])
      expect(problems[0]?.message).toContain('packages/server/src/auth/gone.test.ts, which does not exist')
    })
  })

  describe('when a row names a title that its test file does not contain', () => {
    it('reports it, even when the text is in the file outside any title', () => {
      const document = rows(['A1', ['- `packages/server/src/auth/otp.test.ts` — five wrong attempts, then locks']], a2)
      const withComment = { ...otpTest, text: `${otpTest.text}\n// five wrong attempts, then locks\n` }
      const problems = check([{ path: rowsDocument, text: document }, withComment])
      expect(kinds(problems)).toEqual([`missing-test-title ${rowsDocument}:9`])
    })
  })

  describe('when a row is defined twice', () => {
    it('reports the second one', () => {
      const test = '- `packages/server/src/auth/otp.test.ts` — A1: refuses'
      const problems = check([{ path: rowsDocument, text: rows(['A1', [test]], ['A1', [test]], a2) }, otpTest])
      expect(kinds(problems)).toEqual([`duplicate-row ${rowsDocument}:11`])
    })
  })

  describe('when a file mentions the outside documents', () => {
    it('reports each old file name and each path to a shared folder beside the repository', () => {
      const code: RepositoryFile = {
        path: 'packages/core/src/outbox/sender.ts',
        text: [`// The rules of ${outside('security')}.`, `// See ../../../../${'shared'}/research/storage.md.`].join(
          '\n',
        ),
      }
      const readme: RepositoryFile = { path: 'README.md', text: `Layers: ${outside('architecture')}.\n` }
      const problems = check([{ path: rowsDocument, text: goodRows }, otpTest, code, readme])
      expect(kinds(problems)).toEqual([
        'outside-document packages/core/src/outbox/sender.ts:1',
        'outside-document packages/core/src/outbox/sender.ts:2',
        'outside-document README.md:1',
      ])
    })
  })

  describe('when text looks like an id but is not a citation', () => {
    it('ignores ids outside the three citation shapes, in code, and SVG paths', () => {
      const file: RepositoryFile = {
        path: 'packages/react/src/parts/icons.tsx',
        text: [
          '// The E2E suite and the H264 codec are not rows; neither is a bare A9 in a sentence.',
          'const d = "M12 3C6.5 3 2 6.8 L4 22"',
          'const grid = { A9: 1 }',
          'export const icon = () => <path d="M2 8l4 4 9-9" />',
        ].join('\n'),
      }
      expect(check([{ path: rowsDocument, text: goodRows }, otpTest, file])).toEqual([])
    })
  })
})

describe('citedIds', () => {
  it('reads the three shapes: before a colon, in parentheses, after security.md or row', () => {
    const ids = (text: string) => citedIds(text).map((citation) => citation.id)
    expect(ids('// A3: the consume')).toEqual(['A3'])
    expect(ids('/** B7, B9: one customer */')).toEqual(['B7', 'B9'])
    expect(ids('the outbox (G1–G3)')).toEqual(['G1', 'G2', 'G3'])
    expect(ids('(no inline script or style; E6)')).toEqual(['E6'])
    expect(ids('which docs/security.md A14 allows')).toEqual(['A14'])
    expect(ids('the text of row C5')).toEqual(['C5'])
    expect(ids('as docs/security.md A1–A2 and A10 describe them')).toEqual(['A1', 'A2', 'A10'])
    expect(ids('a bare A9 here, E2E and H264 there')).toEqual([])
  })
})

describe('parseRows', () => {
  it('reads each row heading and the tests listed under it, and nothing after the next section', () => {
    const parsed = parseRows(
      [
        '## (a) Family',
        '### A1 · One',
        '- `a/one.test.ts` — first title',
        '- `a/two.test.tsx` — second — with a dash',
        '## Known gaps',
        '- `a/three.test.ts` — not a row test',
      ].join('\n'),
    )
    expect(parsed).toEqual([
      {
        id: 'A1',
        line: 2,
        tests: [
          { file: 'a/one.test.ts', title: 'first title', line: 3 },
          { file: 'a/two.test.tsx', title: 'second — with a dash', line: 4 },
        ],
      },
    ])
  })
})

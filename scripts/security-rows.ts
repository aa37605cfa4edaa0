import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import ts from 'typescript'

/*
 * Keeps docs/security.md and the code honest with each other (the rules are written at the top of
 * docs/security.md): every row id the code, the tests or the docs cite is a row there, every row
 * names tests that exist, and nothing points at the design documents that used to live outside the
 * repository. Pure functions over { path, text } files, so its own tests can feed it a fake tree.
 */

export interface RepositoryFile {
  /** Relative to the repository root, with `/` separators. */
  path: string
  text: string
}

export interface Citation {
  id: string
  path: string
  line: number
}

export interface RowTest {
  file: string
  title: string
  line: number
}

export interface Row {
  id: string
  line: number
  tests: RowTest[]
}

export interface Problem {
  kind:
    | 'undefined-row'
    | 'duplicate-row'
    | 'row-without-test'
    | 'missing-test-file'
    | 'missing-test-title'
    | 'outside-document'
  path: string
  line: number
  message: string
}

export const rowsDocument = 'docs/security.md'

/** The matrix's families: the ones rows exist for today and the ones later features bring (H, L, M, N, R, W). */
const family = '[ABCDEFGHLMNRWX]'
const id = `${family}[1-9][0-9]?(?![\\w])`
const idOrRange = `${id}(?:\\s*[–-]\\s*${id})?`
const idList = `(?<![\\w.\\-])${idOrRange}(?:\\s*(?:,|and|&)\\s*${idOrRange})*`
const idPattern = new RegExp(`(?<![\\w.\\-])${idOrRange}`, 'g')

/** The three shapes a citation takes; see "How the code cites a row" in docs/security.md. */
const citationShapes = [
  // "A3: the conditional update is the consume", "C6, C5: links only …", "G2–G5:"
  new RegExp(`${idList}(?=\\s*:)`, 'g'),
  // "(A4, A5)", "(docs/security.md E5, A14)", "(no inline script or style; E6)", "## The outbox (G1–G10)"
  /\([^()]{0,400}\)/g,
  // "docs/security.md A14 allows", "rows C1–C6", "row C5"
  new RegExp(`(?:security\\.md|\\brows?)\\s+${idList}`, 'g'),
]

/** The ids a piece of text cites, ranges expanded ("C1–C4" is C1, C2, C3, C4), with their offsets. */
export function citedIds(text: string): { id: string; offset: number }[] {
  const found = new Map<string, { id: string; offset: number }>()
  for (const shape of citationShapes) {
    for (const region of text.matchAll(shape)) {
      for (const token of region[0].matchAll(idPattern)) {
        const offset = region.index + token.index
        for (const each of expandRange(token[0])) found.set(`${offset}:${each}`, { id: each, offset })
      }
    }
  }
  return [...found.values()].sort((a, b) => a.offset - b.offset)
}

function expandRange(token: string): string[] {
  const [from, to] = token.split(/\s*[–-]\s*/)
  if (!from || !to || from[0] !== to[0]) return [from ?? token, ...(to ? [to] : [])]
  const letter = from[0]
  const first = Number(from.slice(1))
  const last = Number(to.slice(1))
  if (!(last > first) || last - first > 40) return [from, to]
  return Array.from({ length: last - first + 1 }, (_, index) => `${letter}${first + index}`)
}

const scriptExtensions = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'])

function scriptKind(path: string) {
  const extension = extname(path)
  if (extension === '.tsx') return ts.ScriptKind.TSX
  if (extension === '.jsx') return ts.ScriptKind.JSX
  if (extension === '.js' || extension === '.mjs' || extension === '.cjs') return ts.ScriptKind.JS
  return ts.ScriptKind.TS
}

/** Callees whose first argument is a test or suite title: it, test, describe, describeEachDatabase, it.each… */
const testCallee = /^(?:it|test|describe|bench)$|^describe[A-Z]/

function calleeName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text
  if (ts.isPropertyAccessExpression(expression)) return calleeName(expression.expression)
  if (ts.isCallExpression(expression)) return calleeName(expression.expression)
  return undefined
}

interface Passage {
  text: string
  offset: number
}

/** The comments of a script and the titles of its tests (template literals keep their `${…}`). */
function scriptPassages(file: RepositoryFile): { comments: Passage[]; titles: Passage[] } {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, scriptKind(file.path))
  const comments = new Map<number, Passage>()
  const titles: Passage[] = []
  const addComments = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      comments.set(range.pos, { text: file.text.slice(range.pos, range.end), offset: range.pos })
    }
  }
  const visit = (node: ts.Node) => {
    if (node.kind !== ts.SyntaxKind.JsxText) {
      addComments(ts.getLeadingCommentRanges(file.text, node.getFullStart()))
      addComments(ts.getTrailingCommentRanges(file.text, node.getEnd()))
    }
    if (ts.isCallExpression(node) && testCallee.test(calleeName(node.expression) ?? '')) {
      const [title] = node.arguments
      if (title && (ts.isStringLiteralLike(title) || ts.isTemplateExpression(title))) {
        const start = title.getStart(source)
        titles.push({ text: file.text.slice(start + 1, title.getEnd() - 1), offset: start + 1 })
      }
    }
    for (const child of node.getChildren(source)) visit(child)
  }
  visit(source)
  return { comments: [...comments.values()], titles }
}

/** The titles of the tests and suites in a test file. */
export function testTitles(file: RepositoryFile): string[] {
  return scriptExtensions.has(extname(file.path)) ? scriptPassages(file).titles.map((title) => title.text) : []
}

/** Where citations can stand: comments and test titles in scripts, all of a Markdown file, comments elsewhere. */
function passages(file: RepositoryFile): Passage[] {
  const extension = extname(file.path)
  if (scriptExtensions.has(extension)) {
    const { comments, titles } = scriptPassages(file)
    return [...comments, ...titles]
  }
  if (extension === '.md') return [{ text: file.text, offset: 0 }]
  const comment = extension === '.html' || extension === '.svg' ? /<!--[\s\S]*?-->/g : /\/\*[\s\S]*?\*\//g
  if (extension !== '.css' && extension !== '.html' && extension !== '.svg') return []
  return [...file.text.matchAll(comment)].map((match) => ({ text: match[0], offset: match.index }))
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length

export function findCitations(file: RepositoryFile): Citation[] {
  return passages(file).flatMap((passage) =>
    citedIds(passage.text).map(({ id, offset }) => ({
      id,
      path: file.path,
      line: lineAt(file.text, passage.offset + offset),
    })),
  )
}

/**
 * Rows are `### <id> · <title>` headings; a row's tests are the lines under it shaped
 * `` - `<test file>` — <title fragment> ``.
 */
export function parseRows(markdown: string): Row[] {
  const rows: Row[] = []
  markdown.split('\n').forEach((text, index) => {
    const heading = /^###\s+([A-Z][1-9][0-9]?)\b/.exec(text)
    if (heading?.[1]) {
      rows.push({ id: heading[1], line: index + 1, tests: [] })
      return
    }
    if (/^#{1,3}\s/.test(text) && rows.length > 0) {
      // A heading of the same or a higher level ends the row; later bullets belong to no row.
      rows.push({ id: '', line: index + 1, tests: [] })
      return
    }
    const test = /^\s*-\s+`([^`]+\.test\.tsx?)`\s+—\s+(.+?)\s*$/.exec(text)
    if (test?.[1] && test[2]) rows.at(-1)?.tests.push({ file: test[1], title: test[2], line: index + 1 })
  })
  return rows.filter((row) => row.id !== '')
}

const outsideDocuments = ['ARCHITECTURE', 'SECURITY', 'STYLE'].map((name) => `${name}.md`)
const outsideDocumentPattern = new RegExp(
  `\\b(?:${outsideDocuments.map((name) => name.replace('.', '\\.')).join('|')})\\b`,
  'g',
)
/** One or more `..` steps, then a folder named shared: the design documents sat beside the repository. */
const sharedFolderPattern = /(?:\.\.\/)+shared\b(?:\/[\w.\-/]*)?/g

/**
 * Mentions of the design documents that lived outside the repository: their file names, or any
 * relative path to a `shared` folder (no folder of the repository is called that, so none is ambiguous).
 */
export function findOutsideReferences(file: RepositoryFile): Problem[] {
  const problems: Problem[] = []
  for (const match of file.text.matchAll(outsideDocumentPattern)) {
    problems.push({
      kind: 'outside-document',
      path: file.path,
      line: lineAt(file.text, match.index),
      message: `mentions ${match[0]}, which is not in the repository (docs/architecture.md, docs/security.md and docs/naming.md are)`,
    })
  }
  for (const match of file.text.matchAll(sharedFolderPattern)) {
    problems.push({
      kind: 'outside-document',
      path: file.path,
      line: lineAt(file.text, match.index),
      message: `points at ${match[0]}, a folder outside the repository`,
    })
  }
  return problems
}

/** Every problem in a tree of files. */
export function checkRepository(files: RepositoryFile[]): Problem[] {
  const problems: Problem[] = []
  const byPath = new Map(files.map((file) => [file.path, file]))
  const document = byPath.get(rowsDocument)
  const rows = document ? parseRows(document.text) : []
  if (!document) {
    problems.push({ kind: 'undefined-row', path: rowsDocument, line: 0, message: `${rowsDocument} is missing` })
  }

  const defined = new Map<string, Row>()
  for (const row of rows) {
    const earlier = defined.get(row.id)
    if (earlier) {
      problems.push({
        kind: 'duplicate-row',
        path: rowsDocument,
        line: row.line,
        message: `row ${row.id} is defined twice (first at line ${earlier.line})`,
      })
    }
    defined.set(row.id, row)
  }

  for (const file of files) {
    if (file.path !== rowsDocument) {
      for (const citation of findCitations(file)) {
        if (!defined.has(citation.id)) {
          problems.push({
            kind: 'undefined-row',
            path: citation.path,
            line: citation.line,
            message: `cites ${citation.id}, which ${rowsDocument} does not define`,
          })
        }
      }
    }
    problems.push(...findOutsideReferences(file))
  }

  for (const row of rows) {
    if (row.tests.length === 0) {
      problems.push({
        kind: 'row-without-test',
        path: rowsDocument,
        line: row.line,
        message: `row ${row.id} names no test`,
      })
    }
    for (const test of row.tests) {
      const file = byPath.get(test.file)
      if (!file) {
        problems.push({
          kind: 'missing-test-file',
          path: rowsDocument,
          line: test.line,
          message: `row ${row.id} names ${test.file}, which does not exist`,
        })
      } else if (!testTitles(file).some((title) => title.includes(test.title))) {
        problems.push({
          kind: 'missing-test-title',
          path: rowsDocument,
          line: test.line,
          message: `row ${row.id}: no test or suite title in ${test.file} contains "${test.title}"`,
        })
      }
    }
  }
  return problems
}

const skippedFolders = new Set(['node_modules', 'dist', 'coverage', 'storybook-static', '.threadline', '.git'])

/** Tracked and new (not ignored) files; a plain walk where there is no git. */
function listFiles(root: string): string[] {
  try {
    const output = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return output
      .split('\0')
      .filter(Boolean)
      .filter((path) => !path.split('/').some((part) => skippedFolders.has(part)))
      .filter((path) => existsSync(join(root, path)))
  } catch {
    const walk = (folder: string): string[] =>
      readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
        if (skippedFolders.has(entry.name)) return []
        const path = folder ? `${folder}/${entry.name}` : entry.name
        return entry.isDirectory() ? walk(path) : [path]
      })
    return walk('')
  }
}

const binary = /\.(?:png|jpe?g|gif|webp|ico|woff2?|ttf|pdf|zip|gz|br|mp4|webm|sqlite|db)$/i

/** The repository's text files (the lockfile left out: it is generated and cites nothing). */
export function readRepository(root: string): RepositoryFile[] {
  return listFiles(root)
    .filter((path) => !binary.test(path) && path !== 'pnpm-lock.yaml')
    .map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }))
}

export function checkRepositoryAt(root: string): Problem[] {
  const absolute = resolve(root)
  return checkRepository(readRepository(absolute))
}

import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { runCli } from '../run-cli.js'
import { configVariables } from './config.js'

/*
 * The Dockerfile and compose.yaml cannot be built or run here (no Docker on the development
 * machine). These checks hold them to the code instead: every variable they set is one the server
 * reads, every file they copy exists, and the entry point is the package's `threadline` bin.
 */

const repoRoot = resolve(import.meta.dirname, '../../../..')
const serverRoot = join(repoRoot, 'packages/server')

/** The variables the server reads: its config's, and NODE_ENV (the mode's fallback). */
const readVariables = new Set([...configVariables.map((variable) => variable.env), 'NODE_ENV'])

interface Instruction {
  keyword: string
  args: string
}

/** The Dockerfile's instructions, with `\` continuations joined and comments dropped. */
function dockerfile(): Instruction[] {
  const text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/)
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') }
    })
}

function instructions(keyword: string): string[] {
  return dockerfile()
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.args)
}

/** `ENV A=1 B=2` → ['A', 'B']. */
function envNames(args: string): string[] {
  return [...args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((match) => match[1] ?? '')
}

interface ComposeService {
  build?: string
  image?: string
  environment?: Record<string, string>
  volumes?: string[]
}

function compose(): { services: Record<string, ComposeService>; volumes: Record<string, unknown> } {
  return parse(readFileSync(join(repoRoot, 'compose.yaml'), 'utf8')) as ReturnType<typeof compose>
}

describe('the Dockerfile and compose.yaml (checked without Docker)', () => {
  it('compose gives the server only variables its config reads, including the ones production requires', () => {
    const server = compose().services['server']
    expect(server?.build).toBe('.')
    const names = Object.keys(server?.environment ?? {})
    expect(names.filter((name) => !readVariables.has(name))).toEqual([])
    for (const required of [
      'THREADLINE_MODE',
      'DATABASE_URL',
      'THREADLINE_SECRET',
      'SMTP_URL',
      'PUBLIC_URL',
      'TRUSTED_PROXY_HOPS',
      'HOST',
    ]) {
      expect(names).toContain(required)
    }
    expect(server?.environment?.['DATABASE_URL']).toMatch(
      /^postgres:\/\/threadline:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\//,
    )
  })

  it('compose runs Postgres 15 with its data on a named volume', () => {
    const { services, volumes } = compose()
    expect(services['postgres']?.image).toBe('postgres:15')
    expect(services['postgres']?.volumes).toContain('postgres-data:/var/lib/postgresql/data')
    expect(Object.keys(volumes)).toEqual(expect.arrayContaining(['postgres-data', 'threadline-data']))
  })

  it('the Dockerfile sets only variables the server reads, and its data volume is the data dir', () => {
    const names = instructions('ENV').flatMap(envNames)
    expect(names.length).toBeGreaterThan(0)
    expect(names.filter((name) => !readVariables.has(name))).toEqual([])
    expect(instructions('ENV').join(' ')).toContain('THREADLINE_DATA_DIR=/data')
    expect(instructions('VOLUME')).toEqual(['["/data"]'])
  })

  it('every file the Dockerfile copies from the build context exists', () => {
    const copies = instructions('COPY').filter((args) => !args.startsWith('--from='))
    expect(copies.length).toBeGreaterThan(0)
    for (const args of copies) {
      const sources = args
        .split(/\s+/)
        .filter((word) => !word.startsWith('--'))
        .slice(0, -1)
      for (const source of sources) expect(existsSync(join(repoRoot, source)), source).toBe(true)
    }
  })

  it('the entry point is the server package’s threadline bin, starting the server', async () => {
    const packageJson = JSON.parse(readFileSync(join(serverRoot, 'package.json'), 'utf8')) as {
      name: string
      bin: Record<string, string>
    }
    const [entry] = JSON.parse(instructions('ENTRYPOINT')[0] ?? '[]') as string[]
    const [command] = JSON.parse(instructions('CMD')[0] ?? '[]') as string[]
    expect(entry).toBeDefined()
    const binPath = packageJson.bin[entry ?? '']
    expect(binPath).toBe('./bin/threadline.js')
    // The image links that bin onto PATH from where `pnpm deploy` puts the package (/app).
    expect(instructions('RUN').join(' ')).toContain(
      `ln -s /app/${binPath?.replace(/^\.\//, '')} /usr/local/bin/${entry}`,
    )
    expect(instructions('RUN').join(' ')).toContain(`--filter ${packageJson.name} deploy --prod`)
    accessSync(join(serverRoot, binPath ?? ''), constants.X_OK)
    expect(readFileSync(join(serverRoot, binPath ?? ''), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/)

    // `start` is one of the CLI's commands.
    const help: string[] = []
    await runCli(['help'], { env: {}, cwd: repoRoot, stdout: (line) => help.push(line), stderr: () => {} })
    expect(help.join('\n')).toMatch(new RegExp(`^  ${command} `, 'm'))
    expect(command).toBe('start')
  })

  it('builds with the repository’s pnpm and Node 20, from the frozen lockfile', () => {
    const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { packageManager: string }
    const run = instructions('RUN').join('\n')
    expect(run).toContain(`corepack prepare ${rootPackage.packageManager} --activate`)
    expect(run).toContain('pnpm install --frozen-lockfile')
    expect(instructions('FROM').every((from) => from.startsWith('node:20-'))).toBe(true)
    expect(instructions('USER')).toEqual(['node'])
    expect(instructions('HEALTHCHECK').join(' ')).toContain('/healthz')
  })
})

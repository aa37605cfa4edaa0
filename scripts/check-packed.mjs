#!/usr/bin/env node
// What npm users get: `pnpm pack` every publishable package (after `pnpm build`), install the
// tarballs into a fresh project outside the workspace (no workspace links, no `source` condition:
// only `dist` and the manifests as published), then build a Vite React app with them and run a Node
// script against their public entries. Run by `pnpm test` (the `packed` step) after `build`.
//
//   node scripts/check-packed.mjs [--keep]     --keep leaves the temp project for a look
//
// The install uses --ignore-scripts: better-sqlite3 (the server's SQLite driver) would compile for
// about 50 s, and its binding is loaded only when a database opens, which the check never does.
// The server's HTTP paths are covered by the contract tests; here it is the published entry that counts.

import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const keep = process.argv.includes('--keep')

// Under `pnpm test`, npm_execpath is the running pnpm (see check.mjs); else pnpm from PATH.
const pnpm = (() => {
  const execPath = process.env.npm_execpath
  if (!execPath || !basename(execPath).startsWith('pnpm')) return ['pnpm']
  return /\.[cm]?js$/.test(execPath) ? [process.execPath, execPath] : [execPath]
})()

/** Runs a command with inherited output (stdout dropped when `quiet`); rejects with its exit code. */
function run(/** @type {string[]} */ [command, ...args], /** @type {string} */ cwd, { quiet = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    // Not pnpm's own settings (the outer `pnpm test` sets these); a registry, proxy or cache setting stays.
    const env = { ...process.env }
    for (const key of ['npm_config_user_agent', 'npm_config_verify_deps_before_run', 'npm_config_reporter'])
      delete env[key]
    const child = spawn(command, args, { cwd, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'], env })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolvePromise(undefined) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    )
  })
}

const timings = /** @type {[string, number][]} */ ([])
async function phase(/** @type {string} */ name, /** @type {() => Promise<void> | void} */ work) {
  const started = performance.now()
  await work()
  timings.push([name, (performance.now() - started) / 1000])
}

const readJson = (/** @type {string} */ file) => JSON.parse(readFileSync(file, 'utf8'))

const publishable = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'packages', entry.name, 'package.json')))
  .map((entry) => ({
    dir: join(root, 'packages', entry.name),
    manifest: readJson(join(root, 'packages', entry.name, 'package.json')),
  }))
  .filter(({ manifest }) => !manifest.private)

const missingBuild = publishable.filter(({ dir }) => !existsSync(join(dir, 'dist')))
if (missingBuild.length > 0) {
  console.error(
    `No dist/ in ${missingBuild.map(({ manifest }) => manifest.name).join(', ')}: run \`pnpm build\` first.`,
  )
  process.exit(1)
}

// The consumer pins what the workspace uses, so the check moves with the repo.
const pins = readJson(join(root, 'package.json')).devDependencies
const project = mkdtempSync(join(tmpdir(), 'threadline-packed-'))
const tarballs = join(project, 'tarballs')

try {
  /** @type {Record<string, string>} package name → `file:` spec of its tarball */
  const packed = {}
  await phase('pack', async () => {
    mkdirSync(tarballs)
    const filters = publishable.flatMap(({ manifest }) => ['--filter', manifest.name])
    // Quiet: pnpm pack lists every file it packs.
    await run([...pnpm, '-r', ...filters, 'pack', '--pack-destination', tarballs], root, { quiet: true })
    for (const { manifest } of publishable) {
      // pnpm's tarball name: `@scope/name` 1.2.3 → scope-name-1.2.3.tgz
      const tarball = `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`
      if (!existsSync(join(tarballs, tarball))) throw new Error(`pnpm pack made no ${tarball} for ${manifest.name}`)
      packed[manifest.name] = `file:./tarballs/${tarball}`
    }
  })

  writeProject(project, packed)
  await phase('npm install', () =>
    run(
      ['npm', 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
      project,
    ),
  )

  // The tarballs' own manifests, as installed: pnpm pack must have rewritten every workspace: range.
  for (const name of Object.keys(packed)) {
    const manifest = readJson(join(project, 'node_modules', name, 'package.json'))
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).startsWith('workspace:')) throw new Error(`${name} ships ${field}.${dependency}: ${range}`)
      }
    }
  }

  await phase('node entries', () => run([process.execPath, 'node-check.mjs'], project))
  await phase('vite build', () =>
    run([join(project, 'node_modules', '.bin', 'vite'), 'build', '--logLevel', 'warn'], project),
  )

  const assets = readdirSync(join(project, 'dist', 'assets'))
  const css = assets
    .filter((name) => name.endsWith('.css'))
    .map((name) => readFileSync(join(project, 'dist', 'assets', name), 'utf8'))
  if (!css.some((text) => text.includes('.tl-root'))) throw new Error('The built app has no @threadline/react styles')
  const js = assets
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(project, 'dist', 'assets', name), 'utf8'))
  if (!js.some((text) => text.includes('x-threadline-workspace'))) throw new Error('The built app has no http adapter')

  console.log(
    `\nThe packed packages install and build outside the workspace (${Object.keys(packed).join(', ')}).\n` +
      timings.map(([name, seconds]) => `  ${name.padEnd(14)} ${seconds.toFixed(1).padStart(5)} s`).join('\n'),
  )
} finally {
  if (keep) console.log(`Kept ${project}`)
  else rmSync(project, { recursive: true, force: true })
}

/** A consumer app as a developer would write it, on nothing but the tarballs and the registry. */
function writeProject(/** @type {string} */ dir, /** @type {Record<string, string>} */ packed) {
  const write = (/** @type {string} */ file, /** @type {string} */ text) => {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  write(
    'package.json',
    JSON.stringify(
      {
        name: 'threadline-packed-check',
        private: true,
        type: 'module',
        dependencies: {
          ...packed,
          react: pins.react,
          'react-dom': pins['react-dom'],
          vite: pins.vite,
          '@vitejs/plugin-react': pins['@vitejs/plugin-react'],
        },
        // Each package's dependency on a sibling (`@threadline/protocol: 0.0.0`) must come from its
        // tarball, never from the registry.
        overrides: packed,
      },
      null,
      2,
    ),
  )
  write(
    'vite.config.mjs',
    `import react from '@vitejs/plugin-react'\nimport { defineConfig } from 'vite'\n\nexport default defineConfig({ plugins: [react()] })\n`,
  )
  write(
    'index.html',
    `<!doctype html>\n<html lang="en">\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n`,
  )
  write(
    'src/main.tsx',
    `import { createChatClient, createHttpAdapter } from '@threadline/core'
import { ChatPanel, ChatWidget, ThreadlineProvider } from '@threadline/react'
import '@threadline/react/styles.css'
import { createRoot } from 'react-dom/client'

const client = createChatClient({
  adapter: createHttpAdapter({ baseUrl: 'https://chat.example.com', workspaceId: 'ws_packed' }),
})

createRoot(document.getElementById('root')!).render(
  <ThreadlineProvider client={client}>
    <ChatPanel />
    <ChatWidget />
  </ThreadlineProvider>,
)
`,
  )
  write(
    'node-check.mjs',
    `// Plain Node, no bundler, no source condition: the published ESM entries must load and work.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { visitorRoutes, workspaceHeader } from '@threadline/protocol'
import { createChatClient, createHttpAdapter } from '@threadline/core'
import { ChatPanel, ThreadlineProvider } from '@threadline/react'
import { loadConfig, startServer } from '@threadline/server'

assert.equal(workspaceHeader, 'x-threadline-workspace')
assert.equal(visitorRoutes.identify.path, '/v1/auth/identify')
assert.equal(typeof startServer, 'function')
assert.equal(typeof loadConfig, 'function')

// The server serves the script tag from the installed @threadline/loader's dist/widget.
const require = createRequire(import.meta.url)
const loaderDir = dirname(require.resolve('@threadline/loader/package.json'))
assert.ok(existsSync(join(loaderDir, 'dist/widget/loader.js')), 'the loader tarball has dist/widget/loader.js')

// Server rendering with the published packages: no window, document or storage in Node.
const client = createChatClient({
  adapter: createHttpAdapter({ baseUrl: 'https://chat.example.com', workspaceId: 'ws_packed' }),
})
const html = renderToString(createElement(ThreadlineProvider, { client }, createElement(ChatPanel)))
assert.match(html, /tl-panel/)
client.destroy()
console.log('node entries: protocol, core, react (server-rendered), server and loader load from the tarballs')
`,
  )
}

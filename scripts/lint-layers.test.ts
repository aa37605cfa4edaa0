import { resolve } from 'node:path'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { beforeAll, describe, expect, it } from 'vitest'

// The layer rules in eslint.config.js, exercised on snippets linted as if they lived at a given path.
// The files need not exist: only the path decides which layer's rules apply.

const root = resolve(import.meta.dirname, '..')
let eslint: ESLint

beforeAll(() => {
  // Type information needs files on disk; the layer rules only need the path.
  eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked })
})

async function restrictedImports(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) })
  // A path no config block lints would pass every case below without proving anything.
  const config = (await eslint.calculateConfigForFile(resolve(root, filePath))) as { rules: Record<string, unknown[]> }
  expect(config.rules['no-restricted-imports']?.[0]).toBe(2)
  const layerRules = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports']
  expect(result?.messages.filter((message) => !layerRules.includes(message.ruleId ?? ''))).toEqual([])
  return result?.messages.map((message) => message.message) ?? []
}

const importing = (source: string) => `import * as imported from '${source}'\nexport { imported }\n`
const importingType = (source: string) => `import type { Thing } from '${source}'\nexport type { Thing }\n`
const reexporting = (source: string) => `export * from '${source}'\n`

type Case = [file: string, source: string]

const forbidden: Case[] = [
  // protocol's main entry imports no zod at all, and the schemas only as types; the schemas only zod/mini
  ['packages/protocol/src/schemas/message.ts', 'zustand'],
  ['packages/protocol/src/schemas/message.ts', 'zod'],
  ['packages/protocol/src/schemas/message.ts', '@threadline/core'],
  ['packages/protocol/src/schemas/message.ts', 'node:crypto'],
  ['packages/protocol/src/limits.ts', 'zod/mini'],
  ['packages/protocol/src/routes/agent-routes.ts', 'zod'],
  ['packages/protocol/src/routes/agent-routes.ts', '../schemas/agent.js'],
  ['packages/protocol/src/index.ts', './schemas/index.js'],
  // api depends on the protocol only, and its main entry only
  ['packages/api/src/create-agent-client.ts', '@threadline/core'],
  ['packages/api/src/create-agent-client.ts', '@threadline/protocol/schemas'],
  ['packages/api/src/create-agent-client.ts', 'zod/mini'],
  ['packages/api/src/create-agent-client.ts', 'node:http'],
  ['packages/api/src/create-agent-client.ts', '@threadline/server'],
  // the console is built on api, react and protocol
  ['packages/console/src/app.tsx', '@threadline/core'],
  ['packages/console/src/app.tsx', '@threadline/protocol/schemas'],
  ['packages/console/src/app.tsx', 'zod/mini'],
  ['packages/console/src/app.tsx', '@threadline/server'],
  ['packages/console/src/app.tsx', 'node:fs'],
  // @threadline/core/testing loads in browsers: no test runner outside the conformance suite
  ['packages/core/src/testing/scenarios/create-memory-chat.ts', 'vitest'],
  ['packages/core/src/testing/index.ts', '@vitest/expect'],
  // core never imports a UI layer or the server, and uses zod/mini
  ['packages/core/src/client/create-chat-client.ts', '@threadline/react'],
  ['packages/core/src/client/create-chat-client.ts', '@threadline/loader/frame'],
  ['packages/core/src/client/create-chat-client.ts', '@threadline/server'],
  ['packages/core/src/client/create-chat-client.ts', 'react'],
  ['packages/core/src/client/create-chat-client.ts', 'preact/hooks'],
  ['packages/core/src/adapters/http/http-adapter.ts', 'zod'],
  ['packages/core/src/adapters/http/http-adapter.ts', 'zod/v4'],
  ['packages/core/src/client/create-chat-client.ts', 'node:crypto'],
  ['packages/core/src/client/create-chat-client.ts', 'fs'],
  ['packages/core/src/client/create-chat-client.ts', '../index.js'],
  // store/ never imports adapters, client, outbox, realtime or identity
  ['packages/core/src/store/state.ts', '../adapters/types.js'],
  ['packages/core/src/store/state.ts', '../client/create-chat-client.js'],
  ['packages/core/src/store/state.ts', '../outbox/outbox.js'],
  ['packages/core/src/store/state.ts', '../realtime/connection.js'],
  ['packages/core/src/store/state.ts', '../identity/identity-token.js'],
  ['packages/core/src/store/state.test.ts', '../adapters/memory/memory-adapter.js'],
  // adapters never import client or store
  ['packages/core/src/adapters/memory/memory-adapter.ts', '../../client/create-chat-client.js'],
  ['packages/core/src/adapters/http/http-adapter.ts', '../../store/state.js'],
  // only client/ wires things together
  ['packages/core/src/outbox/outbox.ts', '../client/create-chat-client.js'],
  ['packages/core/src/realtime/connection.ts', '../client/create-chat-client.js'],
  ['packages/core/src/identity/identity-token.ts', '../client/create-chat-client.js'],
  // errors/, storage/ and tabs/ are leaves
  ['packages/core/src/errors/errors.ts', '../client/create-chat-client.js'],
  ['packages/core/src/errors/errors.ts', '../store/state.js'],
  ['packages/core/src/storage/local-storage.ts', '../store/state.js'],
  ['packages/core/src/storage/local-storage.ts', 'zustand'],
  ['packages/core/src/storage/local-storage.ts', '../ssr.test-helpers.js'],
  ['packages/core/src/storage/index.test.ts', '../store/state.js'],
  ['packages/core/src/tabs/broadcast-channel.ts', '../outbox/outbox.js'],
  // server never imports the client packages
  ['packages/server/src/app.ts', '@threadline/core'],
  ['packages/server/src/app.ts', '@threadline/react'],
  ['packages/server/src/app.ts', '@threadline/loader'],
  ['packages/server/src/app.ts', '../../core/src/index.js'],
  // react sits below the loader and beside the server
  ['packages/react/src/provider.tsx', '@threadline/loader'],
  ['packages/react/src/provider.tsx', '@threadline/server'],
  ['packages/react/src/provider.tsx', 'node:path'],
  ['packages/loader/src/loader.ts', 'node:path'],
  // nothing imports examples
  ['packages/core/src/client/create-chat-client.ts', '../../../../examples/react-app/src/app.js'],
  ['packages/api/src/create-agent-client.ts', '../../../examples/agent-console/src/agent-api.js'],
  ['scripts/check.test.ts', '../examples/script-tag/serve.js'],
  ['packages/console/src/app.tsx', '@threadline/example-react-app'],
  ['examples/react-app/src/app.tsx', '../../../packages/react/src/index.js'],
  // the end-to-end tests start the demo, and import nothing else of the examples
  ['e2e/harness.ts', '../examples/script-tag/src/site-server.js'],
  ['e2e/chat.e2e.test.ts', '../examples/agent-console/src/main.js'],
]

const allowed: Case[] = [
  ['packages/core/src/testing/run-adapter-conformance-tests.ts', 'vitest'],
  ['packages/core/src/testing/memory-conformance.test.ts', 'vitest'],
  ['packages/protocol/src/schemas/message.ts', 'zod/mini'],
  ['packages/protocol/src/schemas/visitor.ts', '../limits.js'],
  ['packages/protocol/src/rules/history-window.ts', '../limits.js'],
  ['packages/protocol/src/errors.test.ts', 'vitest'],
  ['packages/protocol/src/errors.test.ts', './schemas/index.js'],
  ['packages/api/src/create-agent-client.ts', '@threadline/protocol'],
  ['packages/api/src/create-agent-client.ts', './api-call.js'],
  ['packages/api/src/create-agent-client.test.ts', '@threadline/server'],
  ['packages/api/src/create-agent-client.test.ts', '@threadline/protocol/schemas'],
  ['packages/console/src/app.tsx', '@threadline/api'],
  ['packages/console/src/app.tsx', '@threadline/react'],
  ['packages/console/src/app.tsx', 'react'],
  ['packages/console/src/console.test.tsx', '@threadline/server'],
  ['packages/core/src/adapters/http/http-adapter.ts', 'zod/mini'],
  ['packages/core/src/adapters/http/http-adapter.ts', '@threadline/protocol'],
  ['packages/core/src/adapters/http/http-adapter.ts', '../../errors/errors.js'],
  ['packages/core/src/client/create-chat-client.ts', '../adapters/types.js'],
  ['packages/core/src/client/create-chat-client.ts', '../store/state.js'],
  ['packages/core/src/client/create-chat-client.ts', '../outbox/outbox.js'],
  ['packages/core/src/client/create-chat-client.ts', 'zustand/vanilla'],
  ['packages/core/src/client/create-chat-client.test.ts', 'node:crypto'],
  ['packages/core/src/store/state.ts', '../errors/errors.js'],
  ['packages/core/src/store/state.ts', '@threadline/protocol'],
  ['packages/core/src/outbox/outbox.ts', '../store/state.js'],
  ['packages/core/src/storage/local-storage.ts', '../errors/errors.js'],
  ['packages/core/src/storage/local-storage.ts', './types.js'],
  ['packages/core/src/storage/indexed-db.test.ts', 'fake-indexeddb'],
  ['packages/core/src/storage/indexed-db.test.ts', 'vitest'],
  ['packages/core/src/storage/index.test.ts', '../ssr.test-helpers.js'],
  ['packages/core/src/tabs/broadcast-channel.ts', '@threadline/protocol'],
  // Contract tests start the real server.
  ['packages/core/src/adapters/http/http-conformance.test.ts', '@threadline/server'],
  ['packages/server/src/app.ts', '@threadline/protocol'],
  ['packages/server/src/app.ts', 'node:fs'],
  ['packages/server/src/app.ts', 'zod'],
  ['packages/react/src/provider.tsx', '@threadline/core'],
  ['packages/react/src/provider.tsx', 'react'],
  ['packages/loader/src/frame.tsx', '@threadline/react'],
  ['examples/react-app/src/app.tsx', '@threadline/react'],
  ['examples/react-app/src/app.tsx', './chat.js'],
  ['scripts/check.test.ts', 'node:child_process'],
  ['bench/core-store.bench.ts', '../packages/core/src/store/messages.js'],
  ['e2e/harness.ts', '../examples/script-tag/src/demo.js'],
  ['e2e/chat.e2e.test.ts', 'playwright-core'],
]

describe('layer rules (eslint.config.js)', () => {
  describe('when a file imports the wrong way', () => {
    it.each(forbidden)('%s importing %s is reported', async (file, source) => {
      expect(await restrictedImports(file, importing(source))).not.toEqual([])
    })
  })

  describe('when a file imports the right way', () => {
    it.each(allowed)('%s importing %s passes', async (file, source) => {
      expect(await restrictedImports(file, importing(source))).toEqual([])
    })
  })

  describe('when the wrong-way import is type-only or a re-export', () => {
    it('reports `import type` from adapters/ in store/', async () => {
      expect(
        await restrictedImports('packages/core/src/store/state.ts', importingType('../adapters/types.js')),
      ).toHaveLength(1)
    })

    it("lets the protocol's main entry name the schemas in types only", async () => {
      const file = 'packages/protocol/src/routes/agent-routes.ts'
      expect(await restrictedImports(file, importingType('../schemas/agent.js'))).toEqual([])
      expect(await restrictedImports(file, importing('../schemas/agent.js'))).toHaveLength(1)
    })

    it('reports `export * from` adapters/ in store/', async () => {
      expect(
        await restrictedImports('packages/core/src/store/state.ts', reexporting('../adapters/types.js')),
      ).toHaveLength(1)
    })
  })

  describe('when a rule reports', () => {
    it('says which rule was broken', async () => {
      const [message] = await restrictedImports('packages/core/src/adapters/http/http-adapter.ts', importing('zod'))
      expect(message).toContain('zod/mini')
    })
  })
})

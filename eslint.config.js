// @ts-check
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/*
 * The one-way layers of docs/architecture.md ("How the lint enforces it"), as lint rules so
 * they cannot rot. scripts/lint-layers.test.ts proves each rule bites.
 *
 * Flat config replaces a rule's options wholesale when a later block matches the same file, so
 * blocks cannot add restrictions to one another: every layer below lists its full set, general
 * layers first, narrower ones after. Type imports are checked too: a type-only import still ties
 * one layer to another.
 */

const TESTS = ['**/*.test.{ts,tsx}', '**/*.test-d.{ts,tsx}', '**/*.spec.{ts,tsx}', '**/*.test-helpers.{ts,tsx}']
/** What test files may import on top of their layer's allowance. */
const TEST_TOOLS = ['vitest', 'fake-indexeddb', 'jsdom', 'vitest-axe', '@testing-library/[^/]+']

const escape = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * @typedef {{ regex: string, message: string }} Restriction
 * @typedef {{ test: boolean }} Variant
 * @typedef {(variant: Variant) => Restriction[]} Rule
 */

/** Forbids these packages and every subpath of them. */
const forbidPackages = (/** @type {string[]} */ names, /** @type {string} */ message) => ({
  regex: `^(?:${names.map(escape).join('|')})(?:/|$)`,
  message,
})

/** Forbids every import whose specifier does not match one of `allowed` (regex sources, anchored). */
const allowOnly = (/** @type {string[]} */ allowed, /** @type {string} */ message) => ({
  regex: `^(?!(?:${allowed.join('|')})$)`,
  message,
})

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'))
const testAllowance = [
  ...TEST_TOOLS.map((name) => `${name}(?:/.*)?`),
  'node:.*',
  ...nodeBuiltins.map(escape),
  // Shared test helpers (`ssr.test-helpers.ts`) sit wherever the tests that share them meet.
  '\\.{1,2}/.*\\.test-helpers(?:\\.[jt]s)?',
]

/** @type {Restriction} */
const noRelativePackages = {
  // A relative path into a package would walk around every package-name rule below.
  regex: '^(?:\\.\\./)+(?:.*/)?(?:protocol|core|api|react|loader|server)/(?:src|dist)(?:/|$)',
  message: 'Import a package by its name (@threadline/…), never by a relative path into it.',
}

/** @type {Restriction} */
const noExamples = {
  regex: '(?:^|/)examples(?:/|$)|^@threadline/example-',
  message: 'Nothing imports from examples/: they are apps built on the packages, not a library.',
}

/** @type {Rule} */
const everywhere = () => [noExamples, noRelativePackages]

/**
 * Benchmarks, repo scripts and Storybook measure, build and show the packages from outside, sources
 * included (Storybook's preview reuses the react package's memory-chat scenarios and its CSS file).
 * @type {Rule}
 */
const tooling = () => [noExamples]

/**
 * The end-to-end tests are tooling too, and drive one app from outside: they start the demo
 * (`examples/script-tag/src/demo`, its one entry) and import nothing else of the examples.
 * @type {Rule}
 */
const endToEnd = () => [
  {
    regex: '(?:^|/)examples/(?!script-tag/src/demo(?:\\.[jt]s)?$)|^@threadline/example-',
    message:
      'The end-to-end tests start the demo through examples/script-tag/src/demo only; nothing else imports from examples/.',
  },
]

/** @type {Rule} */
const browser = ({ test }) =>
  test
    ? []
    : [
        {
          regex: `^(?:node:|(?:${nodeBuiltins.map(escape).join('|')})(?:/|$))`,
          message: 'Browser-facing packages must not import Node built-ins (tests may).',
        },
      ]

/**
 * The protocol's main entry is bundled into browser code, so it holds no zod at all: its types come
 * from the schemas by type-only imports (erased), which the block `threadline/layers/protocol-main`
 * below checks. Only `@threadline/protocol/schemas` (src/schemas/) imports zod/mini.
 * @type {Rule}
 */
const protocol = ({ test }) => [
  allowOnly(
    ['\\.{1,2}/.*', ...(test ? [...testAllowance, 'zod/mini'] : [])],
    "@threadline/protocol's main entry imports only its own files: no zod (the schemas are in src/schemas/).",
  ),
]

/** @type {Rule} */
const protocolSchemas = ({ test }) => [
  allowOnly(
    ['zod/mini', '\\.{1,2}/.*', ...(test ? testAllowance : [])],
    '@threadline/protocol/schemas imports only zod/mini (it is bundled into browser code) and its own files.',
  ),
]

/** @type {Rule} */
const api = ({ test }) => [
  allowOnly(
    // Its tests run the client against the real server.
    [
      '@threadline/protocol',
      '\\.{1,2}/.*',
      ...(test ? [...testAllowance, '@threadline/protocol/schemas', '@threadline/server(?:/testing)?'] : []),
    ],
    '@threadline/api depends on @threadline/protocol only (its main entry: no zod in the client).',
  ),
]

/** @type {Rule} */
const agentConsole = ({ test }) => [
  allowOnly(
    [
      '@threadline/api',
      '@threadline/protocol',
      '@threadline/react(?:/styles\\.css)?',
      'react',
      'react-dom(?:/client)?',
      'react/jsx-runtime',
      // The Analytics page's charts (analytics-chart.tsx), in the page's lazy chunk: never in the inbox's bundle.
      'uplot',
      '\\.{1,2}/.*',
      ...(test ? [...testAllowance, '@threadline/server(?:/testing)?', 'axe-core'] : []),
    ],
    'The console is built on @threadline/api, @threadline/react and @threadline/protocol only (and uPlot for the Analytics page).',
  ),
]

/** @type {Rule} */
const core = ({ test }) => [
  forbidPackages(
    // Contract tests run the http adapter against the real server, so tests may start one.
    [
      '@threadline/react',
      '@threadline/loader',
      ...(test ? [] : ['@threadline/server']),
      'react',
      'react-dom',
      'preact',
    ],
    'The dependency direction is protocol ← core ← react ← loader: core never imports a UI layer or the server.',
  ),
  {
    regex: '^zod(?!/mini$)(?:/|$)',
    message: 'Browser code imports zod/mini, never plain zod (or zod/v4): full zod would blow the size budget.',
  },
]

/** @type {Rule} */
const noBarrel = ({ test }) =>
  test
    ? []
    : [
        {
          // The barrel re-exports every layer, so importing it from inside would tie them all together.
          regex: '^(?:\\.\\./)*\\.\\.?(?:/index(?:\\.[jt]s)?)?$',
          message: "Import the file that exports the thing, not the package's index (it re-exports every layer).",
        },
      ]

/** @param {string[]} folders @param {string} message @returns {Restriction} */
const forbidCoreFolders = (folders, message) => ({
  regex: `^(?:\\.\\./)+(?:${folders.join('|')})(?:/|$)`,
  message,
})

const onlyClientWires = 'Only client/ wires store, adapter and errors together; nothing else imports client/.'

/** @type {Rule} */
const store = () => [
  forbidCoreFolders(
    ['adapters', 'client', 'outbox', 'realtime', 'identity'],
    'store/ holds state and pure transitions; it never imports adapters/, client/, outbox/, realtime/ or identity/.',
  ),
]

/** @type {Rule} */
const adapters = () => [
  forbidCoreFolders(['client', 'store'], 'adapters/ speak the protocol only; they never import client/ or store/.'),
]

/** @type {Rule} */
const notClient = () => [forbidCoreFolders(['client'], onlyClientWires)]

/** errors/, storage/ and tabs/ are leaves: besides their own files, only ../errors/ and the protocol. */
const leaf = (/** @type {string} */ folder) =>
  /** @type {Rule} */ (
    ({ test }) => [
      allowOnly(
        ['@threadline/protocol', `\\.\\./(?:errors|${folder})(?:/.*)?`, '\\./.*', ...(test ? testAllowance : [])],
        `${folder}/ is a leaf: it imports only its own files, ../errors/ and @threadline/protocol.`,
      ),
    ]
  )

/** @type {Rule} */
const react = () => [
  forbidPackages(
    ['@threadline/loader', '@threadline/server'],
    '@threadline/react sits below the loader and never imports the server.',
  ),
]

/** @type {Rule} */
const server = () => [
  forbidPackages(
    ['@threadline/core', '@threadline/react', '@threadline/loader'],
    'The server depends on @threadline/protocol only; it never imports the client packages.',
  ),
]

/** @type {Rule} */
const examples = () => [
  {
    regex: '^@threadline/example-',
    message: 'Examples are independent apps: share code through the packages, not through another example.',
  },
  noRelativePackages,
]

/**
 * One layer: a folder and the rules that hold for every file in it. Yields a block for its
 * ordinary files and one for its tests, which may also use test tools and Node built-ins.
 * @param {string} folder
 * @param {Rule[]} rules
 */
function layer(folder, rules) {
  const options = (/** @type {Variant} */ variant) => ['error', { patterns: rules.flatMap((rule) => rule(variant)) }]
  return [
    {
      name: `threadline/layers/${folder}`,
      files: [`${folder}/**`],
      ignores: TESTS,
      rules: { 'no-restricted-imports': options({ test: false }) },
    },
    {
      name: `threadline/layers/${folder} (tests)`,
      files: TESTS.map((pattern) => `${folder}/${pattern}`),
      rules: { 'no-restricted-imports': options({ test: true }) },
    },
  ]
}

const coreRules = [everywhere, browser, core, noBarrel]

/** @type {Rule} */
const noTestRunner = ({ test }) =>
  test
    ? []
    : [
        forbidPackages(
          ['vitest', '@vitest/expect', '@vitest/runner'],
          '@threadline/core/testing is loaded in browsers (Storybook): only the conformance suite (/testing/conformance) may import vitest.',
        ),
      ]

export default defineConfig(
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    '**/coverage/',
    '**/storybook-static/',
    '**/.threadline/',
    // Next.js output and the types file it writes on every build.
    '**/.next/',
    '**/next-env.d.ts',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // Type-aware rules (floating and misused promises, unsafe any…) where the async logic lives;
    // tsc covers the rest, so config files, scripts and examples are linted without types. One
    // program from the root tsconfig (it includes every packages/*/src) rather than the project
    // service, which would build one per package tsconfig and check protocol again in each.
    // Cost on 2 cores, 7.6k lines: ~3x the untyped lint (≈12 s CPU against ≈5 s).
    name: 'threadline/type-aware',
    files: ['packages/*/src/**/*.{ts,tsx}'],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Hand-written fakes implement promise-returning interfaces with `async () => value`.
      '@typescript-eslint/require-await': 'off',
      // Rejecting with `signal.reason` is what fetch does on abort; keep that idiom.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
    },
  },
  {
    name: 'threadline/type-aware/tests',
    files: TESTS,
    rules: {
      // `expect.any(…)` and friends are typed `any`; test helpers are often destructured methods.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    name: 'threadline/base',
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    name: 'threadline/globals/node',
    files: ['scripts/**', 'bench/**', 'packages/server/**', '**/*.config.{js,mjs,cjs,ts}'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'threadline/globals/browser',
    files: ['packages/{protocol,core,api,react,loader}/src/**', 'examples/**'],
    languageOptions: { globals: globals.browser },
  },

  // Layers, general first: a narrower folder's block must come after its parent's.
  ...layer('**', [everywhere]),
  ...layer('{bench,scripts,.storybook}', [tooling]),
  ...layer('e2e', [endToEnd]),
  ...layer('examples', [examples]),
  ...layer('packages/server', [everywhere, server]),
  ...layer('packages/react', [everywhere, react]),
  ...layer('packages/react/src', [everywhere, browser, react]),
  ...layer('packages/loader/src', [everywhere, browser]),
  ...layer('packages/protocol/src', [everywhere, browser, protocol, noBarrel]),
  ...layer('packages/protocol/src/schemas', [everywhere, browser, protocolSchemas, noBarrel]),
  {
    // The schemas may be named in types (erased at run time), never imported as values.
    name: 'threadline/layers/protocol-main',
    files: ['packages/protocol/src/**'],
    ignores: ['packages/protocol/src/schemas/**', ...TESTS],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(?:^|/)schemas(?:/|$)',
              allowTypeImports: true,
              message: "The protocol's main entry may import the schemas' types only: a value import would ship zod.",
            },
          ],
        },
      ],
    },
  },
  ...layer('packages/api/src', [everywhere, browser, api, noBarrel]),
  ...layer('packages/console/src', [everywhere, browser, agentConsole]),
  ...layer('packages/core/src', coreRules),
  ...layer('packages/core/src/store', [...coreRules, store]),
  ...layer('packages/core/src/adapters', [...coreRules, adapters]),
  ...layer('packages/core/src/{outbox,realtime,identity}', [...coreRules, notClient]),
  ...['errors', 'storage', 'tabs'].flatMap((folder) =>
    layer(`packages/core/src/${folder}`, [...coreRules, leaf(folder)]),
  ),
  // `@threadline/core/testing` runs in browsers (Storybook, apps' own stories): no test runner. Only
  // the conformance suite, its own entry (`/testing/conformance`), may import vitest.
  ...layer('packages/core/src/testing', [...coreRules, noTestRunner]),
  {
    name: 'threadline/layers/packages/core/src/testing (the conformance suite)',
    files: ['packages/core/src/testing/{conformance,run-adapter-conformance-tests}.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: coreRules.flatMap((rule) => rule({ test: false })) }],
    },
  },
)

// Budgets in brotli, each measured the way a site ships it: bundled and minified by esbuild with
// UTF-8 output (vite, webpack and rollup keep UTF-8; esbuild alone would escape every non-ASCII
// character, which triples the Arabic catalogue and is not what anyone downloads).
const utf8 = (config) => ({ ...config, charset: 'utf8' })

// `@threadline/react` bundles English only and loads another language's catalogue with `import()`,
// which a site's bundler puts in a chunk of its own, downloaded only by a visitor who reads that
// language; the Markdown formatter likewise, for the first formatted reply. esbuild without code
// splitting would inline them, so the budgets leave those imports out.
const lazyChunks = [
  { file: /^\.\/(es|fr|de|ar)\.js$/, folder: /[\\/]react[\\/]dist[\\/]i18n[\\/]/ },
  { file: /^\.\/render-markdown\.js$/, folder: /[\\/]react[\\/]dist[\\/]markdown[\\/]/ },
]
const lazyChunksApart = {
  name: 'lazy-chunks-apart',
  setup(build) {
    for (const { file, folder } of lazyChunks) {
      build.onResolve({ filter: file }, ({ kind, importer, path }) =>
        kind === 'dynamic-import' && folder.test(importer) ? { path, external: true } : undefined,
      )
    }
  },
}
const withLazyChunksApart = (config) => ({ ...config, plugins: [...(config.plugins ?? []), lazyChunksApart] })

export default [
  {
    name: '@threadline/core: createChatClient, dependencies bundled (browser download)',
    path: 'packages/core/dist/index.js',
    import: '{ createChatClient }',
    limit: '12 KB',
  },
  {
    name: '@threadline/core: createChatClient + createHttpAdapter, dependencies bundled (browser download)',
    path: 'packages/core/dist/index.js',
    import: '{ createChatClient, createHttpAdapter }',
    // Budget 13 KB. Held at 13.2 KB: blocks (the unavailable state, Retry-After on reconnect) and
    // "Email me this conversation" took it from 12,970 to 13,180 B, and the blocked chat's
    // once-a-minute re-check and the typing stop's advisor id to 13,210 B; chat modes (the
    // workspace.availability event, its check, the route) to 13,354 B (13,313 B measured at the raise). The rewrites tried (the
    // event's one parse, the mode written by the session) measured 11 to 32 B more, so the held limit
    // was raised to 13.4 KB in December 2026, with the 13 KB budget still the goal (an open item).
    // Bots and intake (\`requestPerson\`, the conversation's controller, quick replies on messages)
    // took it to 13,430 B: held at 13.5 KB since December 2026, the 13 KB budget still the goal.
    // The session keeper seam (`load`, `keep`, `clear`, the session's `kept` state) and the transport's
    // cookie branch (X3: the session header instead of a bearer, JSON for bodiless changes) took it
    // to 13,610 B: held at 13.7 KB since December 2026.
    limit: '13.7 KB',
  },
  {
    name: '@threadline/react + core: ChatWidget, provider and createChatClient (React excluded)',
    path: ['packages/react/dist/index.js', 'packages/core/dist/index.js'],
    import: {
      'packages/react/dist/index.js': '{ ThreadlineProvider, ChatWidget }',
      'packages/core/dist/index.js': '{ createChatClient }',
    },
    ignore: ['react', 'react-dom', 'react/jsx-runtime'],
    limit: '25 KB',
  },
  {
    name: '@threadline/react + core + http adapter (React excluded)',
    path: ['packages/react/dist/index.js', 'packages/core/dist/index.js'],
    import: {
      'packages/react/dist/index.js': '{ ThreadlineProvider, ChatWidget }',
      'packages/core/dist/index.js': '{ createChatClient, createHttpAdapter }',
    },
    ignore: ['react', 'react-dom', 'react/jsx-runtime'],
    limit: '29 KB',
  },
]
  .map((budget) => ({ ...budget, modifyEsbuildConfig: (config) => withLazyChunksApart(utf8(config)) }))
  .concat([
    // Shipped files, measured as built (no re-bundling): what a browser downloads.
    {
      name: '@threadline/loader: loader.js on the host page, before any click',
      path: 'packages/loader/dist/widget/loader.js',
      disablePlugins: ['@size-limit/esbuild'],
      // Chat modes (the hidden launcher, the availability request, event and timer) took it from
      // 2,986 to 3,205 B; one URL helper for the frame and the availability request, and `[hidden]`
      // for the launcher as for the badge, won 32 B back (3,173 B). Held at 3.2 KB since December
      // 2026 so the chat modes could ship; the 3 KB budget is still the goal (an open item). The top
      // layer (popover, the zoom undone) took it to 3,194 B, inside the held limit (issue 17).
      limit: '3.2 KB',
    },
    {
      name: '@threadline/loader: identify.js, the identification-code dialog, loaded on the first request for a code',
      path: 'packages/loader/dist/widget/identify.js',
      disablePlugins: ['@size-limit/esbuild'],
      limit: '5 KB',
    },
    {
      name: '@threadline/loader: the chat frame, JS + CSS for everything needed to chat',
      path: ['packages/loader/dist/widget/assets/frame-*.js', 'packages/loader/dist/widget/assets/frame-*.css'],
      disablePlugins: ['@size-limit/esbuild'],
      // Budget 35 KB. Held at 35.4 KB: the formatter chunk and the trims won it back (34.6 KB), then
      // the blocked notice and the transcript button took it to 35,310 B, and chat modes (the away and
      // read-only notices, the measured reply time, the availability event) to 35,733 B, and bots
      // ("Talk to a person" as a quick reply, "Automated" on a bot's messages, the conversation's
      // controller) to 35,864 B, and intake (an automated question's answers as buttons, quick
      // replies on messages) to 35,940 B, then quick starts and the session grant's `cookie` field to
      // 36,019 B. Held at 36 KB since December 2026 so bots and intake could ship, 36.1 KB since quick
      // starts; 35 KB is still the goal (an open item). The partitioned session cookie (the frame's
      // session keeper with its canary and wire check, the three states' notices, the outbox's
      // page-only warning and the beforeunload guard) took it to 36,800 B: held at 36.9 KB since
      // December 2026 so customers on cross-site hosts stay signed in. Ask first, verify after (the
      // gate's question field and its waiting question) took it to 37,020 B: held at 37.1 KB; the
      // catch-up's `message` notice and "Sent by email" to 37,060 B.
      limit: '37.1 KB',
    },
    {
      name: "@threadline/loader: the Markdown formatter's chunk, loaded for the first formatted reply",
      path: 'packages/loader/dist/widget/assets/render-markdown-*.js',
      disablePlugins: ['@size-limit/esbuild'],
      limit: '1.5 KB',
    },
    {
      name: "@threadline/console: the advisors' console, JS + CSS as /console/ serves them (preact/compat included)",
      // preact/compat is a chunk of its own (`compat-*.js`) once two lazy chunks share it with the
      // inbox (Analytics, Automation); the inbox imports it at once, so it counts here.
      path: [
        'packages/console/dist/assets/index-*.js',
        'packages/console/dist/assets/compat-*.js',
        'packages/console/dist/assets/index-*.css',
      ],
      disablePlugins: ['@size-limit/esbuild'],
      // On preact/compat since December 2026 (40.9 KB): on React 19 and react-dom it was 92.2 KB, of
      // which React was about 58 KB. The budget was 80 KB on React; 50 KB now holds the win and leaves
      // the console's own code (about 35 KB) room to grow by a third.
      limit: '50 KB',
    },
    {
      name: '@threadline/console: the Automation settings chunk, loaded when the section is first opened',
      path: ['packages/console/dist/assets/automation-panel-*.js'],
      disablePlugins: ['@size-limit/esbuild'],
      // 2.8 KB at the start (December 2026): the bot, and the intake steps' editor; 4,399 B with the
      // quick starts' editor and the bot's deadlines (a chunk only owners and admins ever load).
      limit: '5 KB',
    },
    {
      name: "@threadline/console: the Analytics page's chunks, JS + CSS with uPlot, loaded when the page is first opened",
      path: [
        'packages/console/dist/assets/analytics-page-*.js',
        'packages/console/dist/assets/analytics-page-*.css',
        'packages/console/dist/assets/uPlot.esm-*.js',
      ],
      disablePlugins: ['@size-limit/esbuild'],
      // 25.2 KB at the start (December 2026), of which uPlot is 19.9 KB: the page has room to grow by half.
      limit: '28 KB',
    },
  ])

// A module-resolution hook for bench/console-list.ts: React's modules resolve to preact/compat, as
// @preact/preset-vite aliases them in the console's build, looked up from `parentURL` (the console
// package, which depends on preact).
const aliases = new Map([
  ['react', 'preact/compat'],
  ['react-dom', 'preact/compat'],
  ['react-dom/client', 'preact/compat/client'],
  ['react/jsx-runtime', 'preact/jsx-runtime'],
  ['react/jsx-dev-runtime', 'preact/jsx-runtime'],
])

let parentURL

export function initialize(data) {
  parentURL = data.parentURL
}

export function resolve(specifier, context, nextResolve) {
  const alias = aliases.get(specifier)
  return alias ? nextResolve(alias, { ...context, parentURL }) : nextResolve(specifier, context)
}

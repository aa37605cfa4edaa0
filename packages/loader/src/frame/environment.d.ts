// CSS imports and import.meta.env. React's types come from @types/react: the frame is written against
// React's API (as @threadline/react is) and built against preact/compat, which vite.frame.config.ts aliases in.
/// <reference types="vite/client" />

/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The Threadline server, e.g. `https://chat.example.com`. */
  readonly VITE_THREADLINE_URL?: string
  /** The workspace id (`ws_…`). Public: it only names the workspace. */
  readonly VITE_THREADLINE_WORKSPACE?: string
}

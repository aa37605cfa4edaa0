// Types for the command API of the script tag (`window.Threadline`). The loader itself ships as
// `dist/widget/loader.js` and is served by @threadline/server at `/widget/loader.js`; this module
// exists so a site's TypeScript can check its `Threadline(…)` calls.
export type {
  ShowIdentificationCodeOptions,
  ThreadlineCommand,
  ThreadlineEvents,
  ThreadlineEventName,
  ThreadlineFunction,
} from './loader/api.js'
export type { BootOptions, MessageNotice } from './common/channel.js'

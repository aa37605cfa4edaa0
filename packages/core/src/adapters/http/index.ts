export { createHttpAdapter } from './create-http-adapter.js'
export type { HttpAdapterOptions } from './create-http-adapter.js'

// One error family for every Threadline client: the classes live in the protocol, so core and
// @threadline/api throw the same errors and one guard recognises both.
export {
  ThreadlineError,
  ApiError,
  NetworkError,
  TimeoutError,
  ResponseValidationError,
  isThreadlineError,
  isApiError,
  isTransientError,
  isSessionError,
  toThreadlineError,
} from '@threadline/protocol'
export type { ThreadlineErrorCode, ClientErrorCode, ThreadlineErrorOptions } from '@threadline/protocol'

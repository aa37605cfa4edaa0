/** What the loader put in the frame's URL: `?workspace=ws_…&origin=<the host page's origin>`. */
export interface FrameParams {
  workspaceId: string
  /** The only origin whose connect message the frame accepts (exact match, docs/security.md E5). */
  hostOrigin: string
}

/** The parameters, or null when either is missing or `origin` is not a bare origin. */
export function readFrameParams(search: string): FrameParams | null {
  const params = new URLSearchParams(search)
  const workspaceId = params.get('workspace')
  const hostOrigin = params.get('origin')
  if (!workspaceId || !hostOrigin || !isBareOrigin(hostOrigin)) return null
  return { workspaceId, hostOrigin }
}

/** `https://shop.example` yes; `https://shop.example/`, a path, `null` or garbage no. */
function isBareOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value
  } catch {
    return false
  }
}

import { forwardRef, version, type ReactNode } from 'react'

// React 19 and Preact pass `ref` to function components as a prop; React 18 strips it unless the
// component is wrapped in forwardRef. Reading the version is not a browser global, so this is SSR-safe.
const refIsAProp = Number.parseInt(version, 10) >= 19

/**
 * Declares a part that takes `ref` as a prop (React 19 style) and still receives it on React 18:
 * there, and only there, the render function is wrapped in `forwardRef`.
 */
export function partWithRef<Props extends object>(
  displayName: string,
  render: (props: Props) => ReactNode,
): (props: Props) => ReactNode {
  if (refIsAProp) {
    Object.assign(render, { displayName })
    return render
  }
  const wrapped = forwardRef<unknown, object>((props, ref) => render({ ...props, ref } as Props))
  wrapped.displayName = displayName
  return wrapped
}

import { useEffect, useLayoutEffect } from 'react'

// React 18 warns about useLayoutEffect during server rendering; `typeof` reads no global.
export const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect

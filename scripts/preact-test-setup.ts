import { afterEach } from 'vitest'

/**
 * Preact runs effects, and the cleanups of effects it re-runs, after the next paint: a
 * requestAnimationFrame raced against a 35 ms timer (preact/hooks' RAF_TIMEOUT). A test that ends
 * right after a render leaves that timer behind, and it fires after jsdom is gone ("window is not
 * defined"). Registered before the tests' own hooks, this runs after their cleanup and lets the
 * timer fire while the DOM still exists.
 */
const preactAfterPaintMs = 35

afterEach(() => new Promise<void>((resolve) => setTimeout(resolve, preactAfterPaintMs + 15)))

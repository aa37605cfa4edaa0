/**
 * Debian's Chromium, never a downloaded one, with the flags that make it quiet and reproducible in
 * CI: no sandbox (containers), no GPU, no QUIC, and no first-run, sync, update or background traffic.
 * Shared by the end-to-end tests (e2e/) and the browser benchmarks (bench/). `CHROMIUM_PATH` points
 * elsewhere.
 */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

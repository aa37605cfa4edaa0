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

/**
 * The `--disable-features` list playwright-core 1.65.1 passes by default (its
 * `server/chromium/chromiumSwitches.ts`), pinned because `ignoreDefaultArgs` drops an argument only
 * when it matches exactly. The list changes between Playwright versions: after an upgrade, copy the
 * new one here. The cross-site end-to-end file checks the browser's real command line
 * (`chrome://version`) before any of its tests, so a stale copy fails loudly rather than quietly
 * testing with partitioning off.
 */
export const playwrightDisabledFeatures = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
] as const

/**
 * Launch options that give Chromium back the storage partitioning real Chrome has had since 115:
 * playwright-core disables `ThirdPartyStoragePartitioning` (microsoft/playwright#32230), and without
 * it Chromium refuses a cross-site frame any storage once third-party cookies are blocked, which no
 * real Chrome does. Playwright's `--disable-features` argument is dropped and passed again with every
 * other feature it disables, so nothing else changes.
 */
export function partitionedStorageLaunch(): { ignoreDefaultArgs: string[]; args: string[] } {
  return {
    ignoreDefaultArgs: [`--disable-features=${playwrightDisabledFeatures.join(',')}`],
    args: [
      `--disable-features=${playwrightDisabledFeatures.filter((feature) => feature !== 'ThirdPartyStoragePartitioning').join(',')}`,
    ],
  }
}

/**
 * Arguments that send `hosts` to 127.0.0.1 (distinct sites on one machine, no /etc/hosts) and accept
 * exactly one throwaway certificate authority: the base64 SHA-256 of its SubjectPublicKeyInfo
 * (`--ignore-certificate-errors-spki-list`, honoured only with a user-data dir, which Playwright
 * always gives). Every other certificate error still fails the page.
 */
export function sitesArgs({ hosts, caSpkiSha256 }: { hosts: readonly string[]; caSpkiSha256: string }): string[] {
  return [
    `--host-resolver-rules=${hosts.map((host) => `MAP ${host} 127.0.0.1`).join(', ')}`,
    `--ignore-certificate-errors-spki-list=${caSpkiSha256}`,
  ]
}

/**
 * The profile's third-party cookie setting, as a person sets it in chrome://settings/cookies: the
 * `profile.cookie_controls_mode` preference (0 allow, 1 block third-party cookies), written into a
 * fresh profile's `Default/Preferences` before the launch. Debian's Chromium 150 blocks them by
 * default; the tests say which they mean.
 */
export function cookieControlsPreferences(thirdPartyCookies: 'allowed' | 'blocked'): string {
  return JSON.stringify({ profile: { cookie_controls_mode: thirdPartyCookies === 'blocked' ? 1 : 0 } })
}

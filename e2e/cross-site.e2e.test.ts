/**
 * The chat frame on host sites of other sites, as in most deployments (`chat.vendor.test` framed on
 * `shop.test` and `other-shop.test`), in a Chromium that behaves like Chrome: storage partitioning on
 * (Playwright turns it off), HTTPS under a throwaway authority, third-party cookies blocked in the
 * profile's settings. `threadline start` runs behind the HTTPS listener (`start-harness.ts`, `sites.ts`).
 *
 * Two control checks run first; if either fails, every test of the file fails with it (the run is
 * void: it would prove nothing about partitioned storage):
 * - C1: an ordinary third-party cookie (no `Partitioned`) is dropped when third-party cookies are
 *   blocked, and kept when they are allowed (so the probe can see one at all);
 * - C2: the same frame origin's localStorage and IndexedDB differ between the two host sites.
 *
 * The tests are named after the assertions (T1–T10) of the session design they cover; e2e/README.md
 * lists which wait for the partitioned session cookie.
 */
import { createAgentClient } from '@threadline/api'
import type { FrameLocator, Page } from 'playwright-core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, expect, it, onTestFinished, vi } from 'vitest'
import type { Device, DeviceOptions } from './harness.js'
import {
  chatFrame,
  chatFrameHandle,
  describeE2e,
  messageText,
  openChat,
  sendMessage,
  uniqueEmail,
  useDevices,
} from './harness.js'
import { otherShopHost, probeHostPage, shopHost } from './sites.js'
import type { HostSite } from './sites.js'
import { useThreadlineStart, verifyCustomerEmail } from './start-harness.js'

interface Probe {
  cookie: string
  localValue: string | null
  indexedValue: string | null
}

describeE2e('the chat frame on other sites, partitioned as in Chrome (HTTPS, third-party cookies blocked)', () => {
  const threadline = useThreadlineStart({ workspaces: [{ name: 'Shop' }], sites: true })
  const openDevice = useDevices()
  const workspaceId = () => threadline.current.workspaces['Shop']!.workspaceId
  const browser = (thirdPartyCookies: 'allowed' | 'blocked' = 'blocked', extra: DeviceOptions = {}) =>
    openDevice({ ...extra, sites: { caSpkiSha256: threadline.current.sites.caSpkiSha256, thirdPartyCookies } })

  /** Loads a host page on `site` that frames the chat origin's probe page; resolves with what the frame saw. */
  async function probe(page: Page, site: HostSite, tag: string): Promise<Probe> {
    await page.goto(
      threadline.current.sites.page(
        site,
        `/probe-${tag}.html`,
        probeHostPage(threadline.current.sites.chatOrigin, tag),
      ),
    )
    const handle = await page.waitForFunction(() => (window as { e2eProbe?: unknown }).e2eProbe, null, {
      timeout: 15_000,
    })
    return (await handle.jsonValue()) as Probe
  }

  const controls: Record<string, unknown> = {}
  beforeAll(async () => {
    const void_ = (what: string, seen: unknown) => {
      throw new Error(`The run is void: ${what}. Seen: ${JSON.stringify(seen)}`)
    }
    // The launch itself: one --disable-features, Playwright's own list without the partitioning entry.
    const blocked = await browser('blocked')
    await blocked.page.goto('chrome://version')
    const commandLine = (await blocked.page.locator('#command_line').textContent()) ?? ''
    const disabled = commandLine.match(/--disable-features=(\S+)/g) ?? []
    if (
      disabled.length !== 1 ||
      disabled[0]!.includes('ThirdPartyStoragePartitioning') ||
      !disabled[0]!.includes('PaintHolding')
    )
      void_(
        'Chromium was not launched with Playwright’s --disable-features minus ThirdPartyStoragePartitioning (is scripts/chromium.ts’s pinned list stale?)',
        disabled,
      )

    // C1: blocked drops the ordinary cookie, allowed keeps it.
    const first = await probe(blocked.page, shopHost, 'shop-1')
    if (first.cookie.includes('e2e_ordinary'))
      void_('C1: an ordinary third-party cookie was kept with third-party cookies blocked', first)
    const allowed = await browser('allowed')
    const allowedProbe = await probe(allowed.page, shopHost, 'allowed')
    if (!allowedProbe.cookie.includes('e2e_ordinary'))
      void_('C1: the probe sees no ordinary third-party cookie even with third-party cookies allowed', allowedProbe)
    await allowed.close()

    // C2: partitioning is on: the frame's storage works, and each host site has its own.
    if (first.localValue !== null || first.indexedValue !== null)
      void_('C2: a fresh profile’s frame storage was not empty', first)
    const other = await probe(blocked.page, otherShopHost, 'other-1')
    if (other.localValue !== null || other.indexedValue !== null)
      void_('C2: the frame under other-shop.test saw storage written under shop.test (or was refused it)', other)
    const again = await probe(blocked.page, shopHost, 'shop-2')
    if (again.localValue !== 'shop-1' || again.indexedValue !== 'shop-1')
      void_('C2: the frame under shop.test did not find its own storage again', again)
    await blocked.close()
    Object.assign(controls, { disabledFeatures: disabled[0], blocked: first, allowed: allowedProbe, other, again })
  }, 90_000)

  it('C1 and C2, the controls: an ordinary third-party cookie is dropped when blocked (kept when allowed); the frame’s localStorage and IndexedDB differ between shop.test and other-shop.test', () => {
    // The checks themselves run in beforeAll, so a failure voids every test; this records what they saw.
    expect(controls).toMatchObject({
      blocked: { cookie: '', localValue: null, indexedValue: null },
      allowed: { cookie: expect.stringContaining('e2e_ordinary=1') },
      other: { localValue: null, indexedValue: null },
      again: { localValue: 'shop-1', indexedValue: 'shop-1' },
    })
  })

  it('T3 (storage, reload): verified in the frame on shop.test, the session and history are still there after a reload, kept in the frame’s own IndexedDB partition', async () => {
    const customer = await browser()
    const frame = await verifiedOn(customer, shopHost, uniqueEmail('reload'))
    await sendMessage(frame, 'Before the reload')
    expect(await frameStorageKeys(customer.page)).toEqual(expect.arrayContaining([expect.stringMatching(/\/session$/)]))

    await customer.page.reload()
    const reloaded = await openChat(customer.page)
    await messageText(reloaded, 'Before the reload').waitFor({ state: 'visible', timeout: 15_000 })
    expect(await reloaded.getByLabel('Email address').count(), 'asked to verify again').toBe(0)
  })

  it('T5 (storage): the same chat origin framed on other-shop.test sees none of what it keeps on shop.test: no session, no history, an empty IndexedDB, the email asked', async () => {
    const customer = await browser()
    await verifiedOn(customer, shopHost, uniqueEmail('one-shop'))
    await sendMessage(chatFrame(customer.page), 'Only on shop.test')

    await customer.page.goto(threadline.current.sites.hostPage({ site: otherShopHost, workspaceId: workspaceId() }))
    const elsewhere = await openChat(customer.page)
    await elsewhere.getByLabel('Email address').waitFor({ state: 'visible' })
    expect(await messageText(elsewhere, 'Only on shop.test').count()).toBe(0)
    expect(await frameStorageKeys(customer.page), 'the session key in the other partition').not.toEqual(
      expect.arrayContaining([expect.stringMatching(/\/session$/)]),
    )

    // And shop.test still has it all.
    await customer.page.goto(threadline.current.sites.hostPage({ site: shopHost, workspaceId: workspaceId() }))
    const back = await openChat(customer.page)
    await messageText(back, 'Only on shop.test').waitFor({ state: 'visible', timeout: 15_000 })
  })

  it('T7 (reload): three messages written with the chat API unreachable wait in the frame’s partitioned outbox across a reload and reach the advisor exactly once, in order', async () => {
    const customer = await browser()
    const email = uniqueEmail('outbox')
    const frame = await verifiedOn(customer, shopHost, email)
    await sendMessage(frame, 'Online first')
    const agent = createAgentClient({
      baseUrl: threadline.current.url,
      agentKey: threadline.current.workspaces['Shop']!.agentKey,
    })
    const conversationId = await vi.waitFor(
      async () => {
        const row = (await agent.listConversations({})).find((candidate) => candidate.customer.email === email)
        if (!row) throw new Error(`No conversation for ${email} yet`)
        return row.conversation.id
      },
      { timeout: 15_000, interval: 150 },
    )
    const texts = async () =>
      (await agent.listMessages({ conversationId, limit: 100 })).messages.map((message) => message.text)

    // As in chat.e2e.test.ts test 4: offline while writing, then the page comes back with the chat's
    // API still unreachable, so the three can only come from the outbox in the frame's storage.
    const api = `${threadline.current.sites.chatOrigin}/v1/**`
    await customer.context.setOffline(true)
    const offline = ['Queued one', 'Queued two', 'Queued three']
    for (const text of offline) await sendMessage(frame, text)
    expect((await frameStorageKeys(customer.page)).filter((key) => key.includes('/outbox/'))).toHaveLength(3)
    await customer.context.route(api, (route) => route.abort('internetdisconnected'))
    await customer.context.setOffline(false)
    await customer.page.reload()
    const reloaded = await openChat(customer.page)
    for (const text of offline) await messageText(reloaded, text).waitFor({ state: 'visible', timeout: 15_000 })
    expect(await texts()).toEqual(['Online first'])

    await customer.context.setOffline(true)
    await customer.context.unroute(api)
    await customer.context.setOffline(false)
    const expected = ['Online first', ...offline]
    await vi.waitFor(async () => expect(await texts()).toEqual(expected), { timeout: 30_000, interval: 250 })
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 1_500))
    expect(await texts()).toEqual(expected)
  })

  it('T3 (storage, restart): the browser quits and starts again on the same profile; on shop.test the customer is still verified with the history, with no new code', async () => {
    const profileDir = await mkdtemp(join(tmpdir(), 'threadline-e2e-kept-profile-'))
    onTestFinished(() => rm(profileDir, { recursive: true, force: true }))
    const email = uniqueEmail('restart')
    const before = await browser('blocked', { profileDir })
    await sendMessage(await verifiedOn(before, shopHost, email), 'Before the restart')
    await before.close()

    const mailsBefore = threadline.current.mail.count()
    const after = await browser('blocked', { profileDir })
    await after.page.goto(threadline.current.sites.hostPage({ site: shopHost, workspaceId: workspaceId() }))
    const frame = await openChat(after.page)
    await messageText(frame, 'Before the restart').waitFor({ state: 'visible', timeout: 15_000 })
    expect(await frame.getByLabel('Email address').count()).toBe(0)
    expect(threadline.current.mail.count(), 'a code was mailed').toBe(mailsBefore)
  })

  /** Opens the chat on `site` and verifies `email` with the emailed code; resolves with the frame. */
  async function verifiedOn(device: Device, site: HostSite, email: string): Promise<FrameLocator> {
    await device.page.goto(threadline.current.sites.hostPage({ site, workspaceId: workspaceId() }))
    const frame = await openChat(device.page)
    await verifyCustomerEmail(frame, threadline.current, email)
    return frame
  }

  /** The keys of the frame's IndexedDB storage (database `threadline`, store `entries`) in this partition. */
  async function frameStorageKeys(page: Page): Promise<string[]> {
    return (await chatFrameHandle(page)).evaluate(async () => {
      // Opening a database that does not exist would create it (empty, version 1) under the frame's feet.
      if (!(await indexedDB.databases()).some((database) => database.name === 'threadline')) return []
      return new Promise<string[]>((resolvePromise, reject) => {
        const open = indexedDB.open('threadline')
        open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'))
        open.onsuccess = () => {
          const database = open.result
          if (!database.objectStoreNames.contains('entries')) {
            database.close()
            resolvePromise([])
            return
          }
          const request = database.transaction('entries').objectStore('entries').getAllKeys()
          request.onsuccess = () => {
            database.close()
            resolvePromise(request.result.map(String))
          }
          request.onerror = () => reject(request.error ?? new Error('getAllKeys failed'))
        }
      })
    })
  }
})

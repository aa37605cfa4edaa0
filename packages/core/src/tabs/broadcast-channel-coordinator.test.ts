import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBroadcastChannelCoordinator } from './broadcast-channel-coordinator.js'
import { createChannelNetwork } from './channel-network.test-helpers.js'
import type { TabMessage } from './types.js'

const timing = { heartbeatMs: 100, leaseMs: 300, claimMs: 25 }

/**
 * Tabs on one simulated browser. Time is fake and moves 1 ms at a time; after each step the real
 * BroadcastChannel deliveries are awaited, so every run is the same run.
 */
function createBrowser() {
  const network = createChannelNetwork()
  const startedAt = Date.now()
  const events: string[] = []
  const leaders = new Set<string>()
  const leaves = new Map<string, () => void>()
  let mostLeadersAtOnce = 0
  const at = () => Date.now() - startedAt

  return {
    network,
    events,
    leaders,
    get mostLeadersAtOnce() {
      return mostLeadersAtOnce
    },
    /** A tab whose election id is its name, so "a" wins a tie against "b". */
    join(tab: string) {
      const coordinator = createBroadcastChannelCoordinator({
        ...timing,
        channel: network.channelsFor(tab),
        generateId: () => tab,
      })
      const leave = coordinator.elect('outbox', (lost) => {
        leaders.add(tab)
        mostLeadersAtOnce = Math.max(mostLeadersAtOnce, leaders.size)
        events.push(`${tab} leads @${at()}`)
        lost.addEventListener('abort', () => {
          leaders.delete(tab)
          events.push(`${tab} lost @${at()}`)
        })
      })
      leaves.set(tab, leave)
      return coordinator
    },
    leave(tab: string) {
      leaves.get(tab)?.()
    },
    leaveAll() {
      for (const leave of leaves.values()) leave()
    },
    async advance(milliseconds: number) {
      await network.settle()
      for (let elapsed = 0; elapsed < milliseconds; elapsed++) {
        vi.advanceTimersByTime(1)
        await network.settle()
      }
    },
  }
}

describe('createBroadcastChannelCoordinator', () => {
  let browser: ReturnType<typeof createBrowser>

  beforeEach(() => {
    // Only the timers the election uses: deliveries and the settling loop need the real event loop.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    browser = createBrowser()
  })

  afterEach(() => {
    browser.leaveAll()
    vi.useRealTimers()
  })

  describe('when one client joins', () => {
    it('leads after one claim window, without waiting for a lease', async () => {
      browser.join('a')
      await browser.advance(24)
      expect(browser.events).toEqual([])
      await browser.advance(500)
      expect(browser.events).toEqual(['a leads @25'])
    })
  })

  describe('when three clients join at the same moment', () => {
    it('lets exactly one lead, the lowest id', async () => {
      browser.join('c')
      browser.join('a')
      browser.join('b')
      await browser.advance(1000)
      expect(browser.events).toEqual(['a leads @25'])
      expect(browser.mostLeadersAtOnce).toBe(1)
    })
  })

  describe('when a client joins while a leader lives', () => {
    it('never takes the lead from it, however many leases pass', async () => {
      browser.join('b')
      await browser.advance(100)
      // "a" would win any tie against "b": it must still defer to the live leader.
      browser.join('a')
      await browser.advance(10 * timing.leaseMs)
      expect(browser.events).toEqual(['b leads @25'])
    })
  })

  describe('when the leader leaves', () => {
    it('loses leadership, and a follower takes over within a claim window instead of a lease', async () => {
      browser.join('a')
      browser.join('b')
      await browser.advance(100)
      browser.leave('a')
      await browser.advance(1000)
      expect(browser.events).toEqual(['a leads @25', 'a lost @100', 'b leads @125'])
      expect(browser.mostLeadersAtOnce).toBe(1)
    })

    it('lets exactly one of several followers take over', async () => {
      browser.join('a')
      browser.join('c')
      browser.join('b')
      await browser.advance(100)
      browser.leave('a')
      await browser.advance(1000)
      expect(browser.events).toEqual(['a leads @25', 'a lost @100', 'b leads @125'])
      expect(browser.mostLeadersAtOnce).toBe(1)
    })
  })

  describe('when a client leaves before it leads', () => {
    it('never leads', async () => {
      browser.join('a')
      await browser.advance(10)
      browser.leave('a')
      await browser.advance(1000)
      expect(browser.events).toEqual([])
    })
  })

  describe('when the leader stops answering (a frozen or crashed tab)', () => {
    it('lets a follower claim once a lease has passed since the last heartbeat', async () => {
      browser.join('a')
      browser.join('b')
      await browser.advance(100)
      browser.network.disconnect('a')
      // The last heartbeat "b" heard was sent when "a" took the lead, at 25.
      await browser.advance(224)
      expect(browser.events).toEqual(['a leads @25'])
      await browser.advance(100)
      expect(browser.events).toEqual(['a leads @25', 'b leads @350'])
    })

    it('leaves the lead to the older leader once the two hear each other again', async () => {
      browser.join('a')
      browser.join('b')
      await browser.advance(100)
      browser.network.disconnect('a')
      await browser.advance(300)
      browser.network.reconnect('a')
      await browser.advance(1000)
      expect(browser.events).toEqual(['a leads @25', 'b leads @350', 'b lost @425'])
      expect([...browser.leaders]).toEqual(['a'])
    })
  })

  describe('when a client leaves from inside the abort of its lost leadership', () => {
    it('stays gone: no timer or channel of its own survives', async () => {
      const network = browser.network
      const leaveOlder = createBroadcastChannelCoordinator({
        ...timing,
        channel: network.channelsFor('a'),
        generateId: () => 'a',
      }).elect('outbox', () => {})
      await browser.advance(100)
      network.disconnect('a')
      let leaveNewer = () => {}
      leaveNewer = createBroadcastChannelCoordinator({
        ...timing,
        channel: network.channelsFor('b'),
        generateId: () => 'b',
      }).elect('outbox', (lost) => lost.addEventListener('abort', () => leaveNewer()))
      // "b" leads while "a" is frozen, then yields to the older leader and leaves on the spot.
      await browser.advance(400)
      network.reconnect('a')
      await browser.advance(200)
      expect(network.openChannels()).toEqual({ a: 1 })
      leaveOlder()
      expect(vi.getTimerCount()).toBe(0)
    })
  })

  describe('when every client has left', () => {
    it('has closed every channel and cleared every timer', async () => {
      browser.join('a')
      const listener = browser.join('b').listen('outbox', () => {})
      browser.join('c')
      await browser.advance(100)
      browser.leave('b')
      await browser.advance(100)
      browser.leaveAll()
      listener()
      expect(browser.network.openChannels()).toEqual({})
      expect(vi.getTimerCount()).toBe(0)
    })
  })

  describe('when a malformed message arrives on the election channel', () => {
    it('ignores it', async () => {
      browser.join('b')
      const stranger = browser.network.channelsFor('stranger')('threadline:outbox:election')
      stranger.postMessage({ type: 'election.heartbeat', id: 'a' })
      stranger.postMessage({ type: 'election.claim', id: 1 })
      stranger.postMessage('election.claim')
      await browser.advance(100)
      stranger.close()
      expect(browser.events).toEqual(['b leads @25'])
    })
  })

  describe('when clients notify each other', () => {
    it('delivers a notification to the other clients but not back to the sender', async () => {
      const first = browser.join('a')
      const second = browser.join('b')
      const heardByFirst: TabMessage[] = []
      const heardBySecond: TabMessage[] = []
      const unsubscribeFirst = first.listen('outbox', (message) => heardByFirst.push(message))
      const unsubscribeSecond = second.listen('outbox', (message) => heardBySecond.push(message))
      first.notify('outbox', { type: 'outbox.changed' })
      await browser.advance(100)
      unsubscribeFirst()
      unsubscribeSecond()
      expect(heardByFirst).toEqual([])
      expect(heardBySecond).toEqual([{ type: 'outbox.changed' }])
    })
  })

  describe('when the timings cannot work', () => {
    it('throws a RangeError for a lease no longer than the heartbeat', () => {
      expect(() => createBroadcastChannelCoordinator({ heartbeatMs: 100, leaseMs: 100 })).toThrow(RangeError)
    })
  })

  describe('when no BroadcastChannel exists', () => {
    it('throws when created, naming the option to pass', () => {
      vi.stubGlobal('BroadcastChannel', undefined)
      expect(() => createBroadcastChannelCoordinator()).toThrow(/pass `channel`/)
    })
  })
})

describe('createBroadcastChannelCoordinator on real timers and the global BroadcastChannel', () => {
  describe('when the leader of two clients leaves', () => {
    it('hands the lead to the other', async () => {
      // Small timings keep this under a few tens of milliseconds; a unique name keeps other tests out.
      const options = { heartbeatMs: 10, leaseMs: 40, claimMs: 5 }
      const name = `handover-${crypto.randomUUID()}`
      const leading = new Set<string>()
      const join = (label: string) =>
        createBroadcastChannelCoordinator(options).elect(name, (lost) => {
          leading.add(label)
          lost.addEventListener('abort', () => leading.delete(label))
        })
      const leaves = { first: join('first'), second: join('second') }
      try {
        await vi.waitFor(() => expect(leading.size).toBe(1), { interval: 1 })
        const leader = leading.has('first') ? 'first' : 'second'
        const follower = leader === 'first' ? 'second' : 'first'
        leaves[leader]()
        await vi.waitFor(() => expect([...leading]).toEqual([follower]), { interval: 1 })
      } finally {
        leaves.first()
        leaves.second()
      }
      expect(leading.size).toBe(0)
    })
  })
})

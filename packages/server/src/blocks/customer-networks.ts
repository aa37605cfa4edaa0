import { blockRules } from '@threadline/protocol'
import type { ServerContext } from '../server-context.js'
import { networkOf } from './ip-network.js'

/** How often one customer's sighting on one network is written, at most (per server process). */
const recordEveryMs = 60 * 60 * 1000

/** F4: the keyed hash of an address's network (IPv4 address, IPv6 /64); null when there is none. */
export function networkHashOf(context: ServerContext, address: string): string | null {
  const network = networkOf(address)
  return network === null ? null : context.hasher.hash('client-network', network)
}

const lastRecorded = new WeakMap<ServerContext, Map<string, number>>()

/**
 * F5: notes that the customer was on this network now, so advisors can see how shared it is before
 * blocking it. Written at most hourly per customer and network, so chatting costs no extra writes.
 */
export async function recordCustomerNetwork(
  context: ServerContext,
  { workspaceId, customerId, networkHash }: { workspaceId: string; customerId: string; networkHash: string | null },
): Promise<void> {
  if (networkHash === null) return
  let recorded = lastRecorded.get(context)
  if (!recorded) lastRecorded.set(context, (recorded = new Map<string, number>()))
  const key = `${customerId} ${networkHash}`
  const now = context.now()
  const last = recorded.get(key)
  if (last !== undefined && now - last < recordEveryMs && now >= last) return
  if (recorded.size > 50_000) recorded.clear()
  recorded.set(key, now)
  await context.database.db
    .insertInto('customer_networks')
    .values({ workspace_id: workspaceId, customer_id: customerId, network_hash: networkHash, last_seen_at: now })
    .onConflict((conflict) => conflict.columns(['customer_id', 'network_hash']).doUpdateSet({ last_seen_at: now }))
    .execute()
}

/** The network the customer was seen on last, or null. */
export async function latestNetworkOf(context: ServerContext, customerId: string): Promise<string | null> {
  const row = await context.database.db
    .selectFrom('customer_networks')
    .select('network_hash')
    .where('customer_id', '=', customerId)
    .orderBy('last_seen_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.network_hash ?? null
}

/** F5: other customers of the workspace seen on the customer's latest network in the last seven days. */
export async function addressUsage(
  context: ServerContext,
  { workspaceId, customerId }: { workspaceId: string; customerId: string },
): Promise<{ known: boolean; otherCustomers: number; windowDays: number }> {
  const windowDays = blockRules.addressWindowDays
  const networkHash = await latestNetworkOf(context, customerId)
  if (networkHash === null) return { known: false, otherCustomers: 0, windowDays }
  const row = await context.database.db
    .selectFrom('customer_networks')
    .select((eb) => eb.fn.count<number | string>('customer_id').distinct().as('count'))
    .where('workspace_id', '=', workspaceId)
    .where('network_hash', '=', networkHash)
    .where('customer_id', '!=', customerId)
    .where('last_seen_at', '>', context.now() - windowDays * 24 * 60 * 60 * 1000)
    .executeTakeFirst()
  return { known: true, otherCustomers: Number(row?.count ?? 0), windowDays }
}

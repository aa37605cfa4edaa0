import type { Erasure } from '@threadline/protocol'
import { eraseCustomer } from '../privacy/customer-erasure.js'
import { customerExportArchive } from '../privacy/customer-export.js'
import type { PrivacyActor } from '../privacy/privacy-audit.js'
import type { StreamRegistry } from '../realtime/stream-registry.js'
import type { ServerContext } from '../server-context.js'

/** R1 for both the admin API and the agent API: erase, then end the customer's open streams at once. */
export async function eraseCustomerAndStreams(
  context: ServerContext,
  registry: StreamRegistry,
  scope: { workspaceId: string; customerId: string; actor: PrivacyActor },
): Promise<Erasure> {
  const { erasure, endedSessions } = await eraseCustomer(context, scope)
  for (const tokenHash of endedSessions) registry.closeSession(tokenHash)
  return erasure
}

/** R2 for both APIs: the zip as a download that no cache keeps. */
export async function customerExportResponse(
  context: ServerContext,
  scope: { workspaceId: string; customerId: string },
): Promise<Response> {
  const archive = await customerExportArchive(context, scope)
  return new Response(archive, {
    headers: {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="customer-${scope.customerId.replace(/[^\w-]/g, '')}.zip"`,
      'cache-control': 'no-store',
    },
  })
}

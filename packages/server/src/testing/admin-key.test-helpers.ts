import type { CreatedApiKey } from '@threadline/protocol'
import type { TestServer } from './test-server.test-helpers.js'

/** A fresh `admin`-scope key of the test workspace: an owner's or admin's calls on the agent API. */
export async function createAdminKey(test: TestServer): Promise<string> {
  const created = await test.call('POST', '/v1/admin/keys', {
    token: test.workspace.secret,
    body: { name: 'Setup', scope: 'admin' },
  })
  return (created.body as unknown as CreatedApiKey).secret
}

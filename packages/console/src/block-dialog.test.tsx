// @vitest-environment jsdom
/**
 * The block dialog against the real server (in-process, temporary SQLite): real customers verify
 * by the emailed code, the dialog's calls go over HTTP with the agent key.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { workspaceHeader } from '@threadline/protocol'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import axe from 'axe-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createBlocksClient } from '@threadline/api'
import { BlockDialog } from './block-dialog.js'

let server: RunningServer
let workspace: { workspaceId: string; agentKey: string }
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-block-dialog-'))
  server = await startServer({
    port: 0,
    mode: 'development',
    log: () => undefined,
    replyEmailSweepMs: 0,
    database: { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') },
  })
  workspace = await server.createWorkspace({ name: 'Block Shop', origins: [] })
})
afterAll(async () => {
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
})
afterEach(cleanup)

async function post(path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      [workspaceHeader]: workspace.workspaceId,
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  })
  return { status: response.status, ...((await response.json()) as Record<string, unknown>) }
}

/** A customer who verified by email from this machine (so all of them share one network). */
async function verifiedCustomer(): Promise<{ id: string; token: string }> {
  const email = `c-${crypto.randomUUID()}@example.test`
  const { challengeId } = (await post('/v1/auth/email/start', { email })) as { challengeId: string }
  const code = server.devOutbox
    ?.messages()
    .find((mail) => mail.to === email)
    ?.text.match(/\b\d{6}\b/)?.[0]
  const grant = (await post('/v1/auth/email/verify', { challengeId, code })) as {
    session: { token: string }
    customer: { id: string }
  }
  return { id: grant.customer.id, token: grant.session.token }
}

describe('BlockDialog', () => {
  it('F5: shows first how many other customers share the network, blocks with a reason, and lifts', async () => {
    await verifiedCustomer()
    await verifiedCustomer()
    const customer = await verifiedCustomer()
    const user = userEvent.setup()
    const { baseElement } = render(
      <BlockDialog
        blocks={createBlocksClient({ baseUrl: server.url, agentKey: workspace.agentKey })}
        customer={{ id: customer.id, label: 'Ada' }}
        onClose={() => undefined}
      />,
    )
    expect(await screen.findByText(/^2 other customers used this network in the last 7 days/)).toBeTruthy()
    expect(screen.getByRole('dialog', { name: 'Block Ada' })).toBeTruthy()
    const { violations } = await axe.run(baseElement, { rules: { 'color-contrast': { enabled: false } } })
    expect(violations.map((violation) => violation.id)).toEqual([])

    // A reason is required before anything is sent.
    await user.click(screen.getByRole('button', { name: 'Block' }))
    expect((await screen.findByRole('alert')).textContent).toMatch(/only your team will see it/)

    await user.selectOptions(screen.getByLabelText('For'), '1 hour')
    await user.type(screen.getByLabelText('Reason (only your team sees it)'), 'Insults')
    await user.click(screen.getByRole('checkbox', { name: 'Also block their network (IP address)' }))
    await user.keyboard('{Tab}')
    await user.click(screen.getByRole('button', { name: 'Block' }))
    expect(await screen.findByText(/^Ada is blocked until/)).toBeTruthy()
    expect(await screen.findByText(/Reason: Insults/)).toBeTruthy()

    const refused = await post(
      '/v1/conversation/messages',
      { clientId: crypto.randomUUID(), text: 'hi' },
      customer.token,
    )
    expect(refused.status).toBe(403)
    // The network is covered too: a neighbour cannot start a chat.
    const neighbour = await post('/v1/auth/email/start', { email: `n-${crypto.randomUUID()}@example.test` })
    expect(neighbour.status).toBe(403)

    await user.click(screen.getByRole('button', { name: 'Lift block' }))
    expect(await screen.findByText('The block is lifted.')).toBeTruthy()
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Lift block' })).toBeNull())
    const allowed = await post(
      '/v1/conversation/messages',
      { clientId: crypto.randomUUID(), text: 'hi' },
      customer.token,
    )
    expect(allowed.status).toBe(200)
  }, 60_000)
})

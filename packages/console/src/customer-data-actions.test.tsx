// @vitest-environment jsdom
/** The customer panel's data actions against the real server, in-process on a temporary SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { workspaceHeader } from '@threadline/protocol'
import { startServer } from '@threadline/server'
import type { RunningServer } from '@threadline/server'
import axe from 'axe-core'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createAgentClient, createAgentRecordsClient } from '@threadline/api'
import { CustomerDataActions, CustomerDataProvider } from './customer-data-actions.js'

let server: RunningServer
let workspace: { workspaceId: string; agentKey: string; secret: string }
let ownerId: string
/** Keys act within their scope: erasing and exporting take an `admin`-scope key (or a console session). */
let ownerAdminKey: string
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'threadline-console-data-'))
  server = await startServer({
    port: 0,
    mode: 'development',
    log: () => undefined,
    replyEmailSweepMs: 0,
    recordsSweepMs: 0,
    database: { kind: 'sqlite', file: join(dataDir, 'threadline.sqlite') },
  })
  workspace = await server.createWorkspace({ name: 'Data Shop', origins: ['https://shop.example'] })
  const me = await agentCall('GET', '/v1/agent/me', workspace.agentKey)
  ownerId = (me['agent'] as { id: string }).id
  const { body: created } = await call('/v1/admin/keys', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${workspace.secret}`,
      [workspaceHeader]: workspace.workspaceId,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ name: 'Back office', scope: 'admin' }),
  })
  ownerAdminKey = created['secret'] as string
})

afterAll(async () => {
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
})

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

async function call(path: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, init)
  const text = await response.text()
  return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> }
}

async function agentCall(method: string, path: string, key: string) {
  return (await call(path, { method, headers: { authorization: `Bearer ${key}` } })).body
}

/** A customer who verified by the emailed code and wrote once; answers their id and email. */
async function customerWhoWrote(email: string): Promise<{ customerId: string; conversationId: string }> {
  const post = (path: string, body: unknown, token?: string) =>
    call(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [workspaceHeader]: workspace.workspaceId,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    })
  const { body: challenge } = await post('/v1/auth/email/start', { email })
  const mail = server.devOutbox?.messages().find((message) => message.to === email)
  const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? ''
  const { body: grant } = await post('/v1/auth/email/verify', { challengeId: challenge['challengeId'], code })
  const token = (grant['session'] as { token: string }).token
  const { body: sent } = await post('/v1/conversation/messages', { clientId: crypto.randomUUID(), text: 'Hi' }, token)
  return {
    customerId: (grant['customer'] as { id: string }).id,
    conversationId: (sent['conversation'] as { id: string }).id,
  }
}

function renderActions(agentKey: string, agentId: string, customerId: string, email: string) {
  return render(
    <CustomerDataProvider
      records={createAgentRecordsClient({ baseUrl: server.url, agentKey })}
      api={createAgentClient({ baseUrl: server.url, agentKey })}
      agentId={agentId}
    >
      <CustomerDataActions customerId={customerId} confirmWith={email} />
    </CustomerDataProvider>,
  )
}

describe('CustomerDataActions', () => {
  describe('when an owner opens a customer', () => {
    it("R1: erases only after the customer's email is typed, and the conversation is gone", async () => {
      const email = 'erase-console@example.test'
      const { customerId, conversationId } = await customerWhoWrote(email)
      const user = userEvent.setup()
      const { container } = renderActions(ownerAdminKey, ownerId, customerId, email)

      await user.click(await screen.findByRole('button', { name: 'Erase customer…' }))
      const dialog = screen.getByRole('dialog', { name: 'Erase this customer' })
      const field = screen.getByLabelText(`Type ${email} to confirm`)
      expect(document.activeElement).toBe(field)
      const confirm = screen.getByRole('button', { name: 'Erase for good' })
      await user.type(field, 'someone-else@example.test')
      expect((confirm as HTMLButtonElement).disabled).toBe(true)
      const { violations } = await axe.run(container.ownerDocument.body, {
        rules: { 'color-contrast': { enabled: false } },
      })
      expect(violations).toEqual([])
      await user.clear(field)
      await user.type(field, email)
      await user.keyboard('{Enter}')

      await waitFor(() => expect(screen.getByRole('status').textContent).toContain('The customer was erased'))
      expect(dialog.isConnected).toBe(false)
      expect(
        (
          await call(`/v1/agent/conversations/${conversationId}`, {
            headers: { authorization: `Bearer ${workspace.agentKey}` },
          })
        ).status,
      ).toBe(404)
    }, 30_000)

    it('R2: downloads the export as a zip', async () => {
      const email = 'export-console@example.test'
      const { customerId } = await customerWhoWrote(email)
      const created = vi.fn((_blob: Blob) => 'blob:export')
      URL.createObjectURL = created
      URL.revokeObjectURL = vi.fn()
      const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined)
      const user = userEvent.setup()
      renderActions(ownerAdminKey, ownerId, customerId, email)

      await user.click(await screen.findByRole('button', { name: 'Export data' }))
      await waitFor(() => expect(screen.getByRole('status').textContent).toBe('The export was downloaded.'))
      const archive = created.mock.calls[0]?.[0]
      expect(archive?.type).toBe('application/zip')
      expect(archive?.size).toBeGreaterThan(0)
      expect(clicked).toHaveBeenCalledTimes(1)
    })
  })

  describe('when an advisor opens a customer', () => {
    it('R1, R2: shows no data buttons', async () => {
      const email = 'advisor-view@example.test'
      const { customerId } = await customerWhoWrote(email)
      const { agent, agentKey } = await server.createAgent({ workspaceId: workspace.workspaceId, name: 'Sam' })
      // The role comes from the team list: the test waits for that answer before looking.
      let teamAnswered: Promise<Response> | null = null
      const watched = (input: string, init: RequestInit) => {
        const answer = fetch(input, init)
        if (input.endsWith('/v1/agent/team')) teamAnswered = answer
        return answer
      }
      const { container } = render(
        <CustomerDataProvider
          records={createAgentRecordsClient({ baseUrl: server.url, agentKey, fetch: watched })}
          api={createAgentClient({ baseUrl: server.url, agentKey, fetch: watched })}
          agentId={agent.id}
        >
          <CustomerDataActions customerId={customerId} confirmWith={email} />
        </CustomerDataProvider>,
      )
      await waitFor(() => expect(teamAnswered).not.toBeNull())
      await act(async () => {
        await teamAnswered
      })
      expect(container.innerHTML).toBe('')
      expect(screen.queryByRole('button', { name: 'Export data' })).toBeNull()
    })
  })
})

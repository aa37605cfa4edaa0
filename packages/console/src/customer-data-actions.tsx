import type { AgentClient, AgentRecordsClient } from '@threadline/api'
import { createContext, useContext, useEffect, useId, useMemo, useState } from 'react'
import type { ReactNode } from 'react'
import { describeError } from './describe-error.js'
import { Modal } from './modal.js'

/*
 * R1, R2 in the console: erase a customer (after typing a confirmation) and download their data.
 * Owners and admins only: the buttons are not shown to anyone else, and the server refuses them too.
 */

interface CustomerData {
  records: AgentRecordsClient
  /** Whether the signed-in advisor is an owner or admin; null while that is being read. */
  canManage: boolean | null
}

const CustomerDataContext = createContext<CustomerData | null>(null)

/** Gives the customer panel its records client and the advisor's role, read once per sign-in. */
export function CustomerDataProvider({
  records,
  api,
  agentId,
  children,
}: {
  /** The records routes as the signed-in advisor (the console session's `records`). */
  records: AgentRecordsClient
  /** Where the advisor's role is read from (the team list). */
  api: Pick<AgentClient, 'listTeam'>
  agentId: string
  children: ReactNode
}) {
  const [canManage, setCanManage] = useState<boolean | null>(null)
  useEffect(() => {
    const controller = new AbortController()
    api.listTeam({ signal: controller.signal }).then(
      (advisors) => {
        const role = advisors.find((advisor) => advisor.id === agentId)?.role
        setCanManage(role === 'owner' || role === 'admin')
      },
      () => {
        if (!controller.signal.aborted) setCanManage(false)
      },
    )
    return () => controller.abort()
  }, [api, agentId])
  const value = useMemo(() => ({ records, canManage }), [records, canManage])
  return <CustomerDataContext.Provider value={value}>{children}</CustomerDataContext.Provider>
}

/** The signed-in advisor's records routes (transcripts on finish), or null outside the provider. */
export function useRecordsClient(): AgentRecordsClient | null {
  return useContext(CustomerDataContext)?.records ?? null
}

/** The customer panel's "Export data" and "Erase customer"; nothing for advisors who may not. */
export function CustomerDataActions({ customerId, confirmWith }: { customerId: string; confirmWith: string | null }) {
  const data = useContext(CustomerDataContext)
  const [status, setStatus] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  if (!data?.canManage) return null
  const { records } = data

  async function exportData(): Promise<void> {
    setBusy(true)
    setError(null)
    try {
      const archive = await records.exportCustomer({ customerId })
      const url = URL.createObjectURL(archive)
      const link = document.createElement('a')
      link.href = url
      link.download = `customer-${customerId}.zip`
      link.click()
      URL.revokeObjectURL(url)
      setStatus('The export was downloaded.')
    } catch (failure) {
      setError(describeError(failure))
    } finally {
      setBusy(false)
    }
  }

  async function erase(): Promise<void> {
    setBusy(true)
    setError(null)
    try {
      await records.eraseCustomer({ customerId })
      setConfirming(false)
      setStatus('The customer was erased: their messages, files, emails and sessions are gone.')
    } catch (failure) {
      setError(describeError(failure))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="console-customer-data" aria-label="Customer data">
      <h3>Customer data</h3>
      <div className="console-customer-data__buttons">
        <button type="button" className="console-button" disabled={busy} onClick={() => void exportData()}>
          Export data
        </button>
        <button
          type="button"
          className="console-button console-button--danger"
          disabled={busy}
          onClick={() => setConfirming(true)}
        >
          Erase customer…
        </button>
      </div>
      <p role="status" className="console-muted">
        {status}
      </p>
      {error !== null && !confirming && (
        <p role="alert" className="console-error">
          {error}
        </p>
      )}
      {confirming && (
        <EraseConfirmation
          phrase={confirmWith ?? 'erase'}
          busy={busy}
          error={error}
          onConfirm={() => void erase()}
          onCancel={() => {
            setConfirming(false)
            setError(null)
          }}
        />
      )}
    </section>
  )
}

/** Erasing cannot be undone, so the advisor types the customer's email (or "erase") first. */
function EraseConfirmation({
  phrase,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  phrase: string
  busy: boolean
  error: string | null
  onConfirm: () => void
  onCancel: () => void
}) {
  const [typed, setTyped] = useState('')
  const fieldId = useId()
  const matches = typed.trim().toLowerCase() === phrase.toLowerCase()
  return (
    <Modal label="Erase this customer" onClose={onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (matches) onConfirm()
        }}
      >
        <h2>Erase this customer?</h2>
        <p>
          Their conversation, messages, files, emails, page views, sessions, account link and the notes about them are
          deleted for good. Only a line saying that an erasure happened is kept.
        </p>
        <label htmlFor={fieldId}>
          Type <strong>{phrase}</strong> to confirm
        </label>
        <input
          id={fieldId}
          className="console-input"
          autoComplete="off"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
        />
        {error !== null && (
          <p role="alert" className="console-error">
            {error}
          </p>
        )}
        <div className="console-customer-data__buttons">
          <button type="button" className="console-button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="console-button console-button--danger" disabled={!matches || busy}>
            {busy ? 'Erasing…' : 'Erase for good'}
          </button>
        </div>
      </form>
    </Modal>
  )
}

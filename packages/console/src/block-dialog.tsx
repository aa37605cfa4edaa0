import type { AddressUsageResponse, Block } from '@threadline/protocol'
import { useEffect, useId, useState } from 'react'
import type { FormEvent } from 'react'
import type { BlocksClient } from '@threadline/api'
import { describeError } from './describe-error.js'
import { Modal } from './modal.js'

export interface BlockDialogProps {
  /** The block routes as the signed-in advisor (the console session's `blocks`). */
  blocks: BlocksClient
  customer: { id: string; label: string }
  onClose: () => void
}

const hour = 60 * 60
/** The choices advisors reach for; the API takes any duration from a minute to 90 days. */
const durations = [
  { value: String(hour), label: '1 hour' },
  { value: String(24 * hour), label: '24 hours' },
  { value: String(7 * 24 * hour), label: '7 days' },
  { value: String(30 * 24 * hour), label: '30 days' },
  { value: 'permanent', label: 'Permanently (owners and admins)' },
]
/** A shared network is blocked for a day at most, unless an owner or admin decides on a week. */
const networkDurations = [
  { value: String(hour), label: '1 hour' },
  { value: String(24 * hour), label: '24 hours' },
  { value: String(7 * 24 * hour), label: '7 days (owners and admins)' },
]

const when = (iso: string) => new Date(iso).toLocaleString()

function describeUsage(usage: AddressUsageResponse): string {
  if (!usage.known) return 'This customer’s network is not known, so it cannot be blocked.'
  const others = usage.otherCustomers
  return others === 0
    ? `No other customer used this network in the last ${usage.windowDays} days.`
    : `${others} other ${others === 1 ? 'customer' : 'customers'} used this network in the last ${usage.windowDays} days: they would be blocked too.`
}

/**
 * "Block customer…": how long, why (seen by the team only), and optionally the customer's network
 * for a while, with how many other customers share it shown before the choice. A block in force is
 * shown with its end and the attempts made since, and can be lifted here.
 */
export function BlockDialog({ blocks, customer, onClose }: BlockDialogProps) {
  const ids = useId()
  const [current, setCurrent] = useState<Block | null | undefined>(undefined)
  const [usage, setUsage] = useState<AddressUsageResponse | null>(null)
  const [duration, setDuration] = useState(String(24 * hour))
  const [reason, setReason] = useState('')
  const [withNetwork, setWithNetwork] = useState(false)
  const [networkDuration, setNetworkDuration] = useState(String(24 * hour))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)

  useEffect(() => {
    const controller = new AbortController()
    const { signal } = controller
    Promise.all([
      blocks.customerBlock({ customerId: customer.id, signal }),
      blocks.addressUsage({ customerId: customer.id, signal }),
    ]).then(
      ([block, counted]) => {
        setCurrent(block)
        setUsage(counted)
      },
      (failure: unknown) => !signal.aborted && setError(describeError(failure)),
    )
    return () => controller.abort()
  }, [blocks, customer.id])

  async function run(action: () => Promise<Block>, said: (block: Block) => string): Promise<void> {
    setBusy(true)
    setError(null)
    try {
      const block = await action()
      setCurrent(block.active ? block : null)
      setDone(said(block))
    } catch (failure) {
      setError(describeError(failure))
    } finally {
      setBusy(false)
    }
  }

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault()
    if (reason.trim() === '') return setError('Write down why: only your team will see it.')
    const permanent = duration === 'permanent'
    void run(
      () =>
        blocks.blockCustomer({
          customerId: customer.id,
          reason,
          ...(permanent ? { permanent: true } : { durationSeconds: Number(duration) }),
          ...(withNetwork ? { ipScope: { durationSeconds: Number(networkDuration) } } : {}),
        }),
      (block) => `${customer.label} is blocked ${block.expiresAt ? `until ${when(block.expiresAt)}` : 'permanently'}.`,
    )
  }

  const networkKnown = usage?.known === true
  return (
    <Modal label={`Block ${customer.label}`} onClose={onClose} className="console-block">
      <h2>Block {customer.label}</h2>
      <p className="console-muted">
        They will read “Chat is unavailable right now” and cannot write, start a chat with their email or sign in again.
        They are never told why.
      </p>
      {current && (
        <section className="console-block__current" aria-label="Block in force">
          <p>
            Blocked {current.expiresAt ? `until ${when(current.expiresAt)}` : 'permanently'} by {current.createdBy.name}
            {current.ipScope ? `, their network until ${when(current.ipScope.expiresAt)}` : ''}. Reason:{' '}
            {current.reason}
          </p>
          <p className="console-muted">
            {current.attempts === 0
              ? 'No attempts since.'
              : `${current.attempts} attempts since, the last at ${when(current.lastAttemptAt ?? current.createdAt)}.`}
          </p>
          <button
            type="button"
            className="console-button"
            disabled={busy}
            onClick={() =>
              void run(
                () => blocks.liftBlock({ blockId: current.id }),
                () => 'The block is lifted.',
              )
            }
          >
            Lift block
          </button>
        </section>
      )}
      <form className="console-block__form" onSubmit={submit}>
        <label htmlFor={`${ids}-duration`}>{current ? 'Block again, for' : 'For'}</label>
        <select id={`${ids}-duration`} value={duration} onChange={(event) => setDuration(event.target.value)}>
          {durations.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${ids}-reason`}>Reason (only your team sees it)</label>
        <textarea
          id={`${ids}-reason`}
          value={reason}
          aria-required="true"
          maxLength={1000}
          onChange={(event) => setReason(event.target.value)}
        />
        <p className="console-muted" id={`${ids}-usage`}>
          {usage ? describeUsage(usage) : 'Counting who else uses this network…'}
        </p>
        <label className="console-block__check">
          <input
            type="checkbox"
            checked={withNetwork}
            disabled={!networkKnown}
            aria-describedby={`${ids}-usage`}
            onChange={(event) => setWithNetwork(event.target.checked)}
          />
          Also block their network (IP address)
        </label>
        {withNetwork && (
          <>
            <label htmlFor={`${ids}-network`}>Network blocked for</label>
            <select
              id={`${ids}-network`}
              value={networkDuration}
              onChange={(event) => setNetworkDuration(event.target.value)}
            >
              {networkDurations.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </>
        )}
        {error && (
          <p className="console-error" role="alert">
            {error}
          </p>
        )}
        {done && (
          <p className="console-muted" role="status">
            {done}
          </p>
        )}
        <div className="console-block__buttons">
          <button
            type="submit"
            className="console-button console-button--primary"
            disabled={busy || current === undefined}
          >
            Block
          </button>
          <button type="button" className="console-button" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </Modal>
  )
}

import { webhookEventTypes } from '@threadline/protocol'
import type { CreatedWebhook, WebhookDelivery, WebhookEndpoint, WebhookEventType } from '@threadline/protocol'
import { Fragment, useId, useRef, useState } from 'react'
import type { FormEvent, MouseEvent } from 'react'
import type { WebhooksClient } from '@threadline/api'
import { ConfirmButton } from './confirm-button.js'
import { ErrorAlert } from './error-alert.js'
import { formatTime } from './format-time.js'
import { NewSecret, copyToClipboard } from './new-secret.js'
import { useAction } from './use-action.js'
import { useServerData } from './use-server-data.js'

export interface WebhooksPanelProps {
  webhooks: WebhooksClient
  /** Writes the signing secret to the clipboard; `navigator.clipboard` by default. */
  copy?: (text: string) => Promise<void>
  /** Where focus goes when the control that had it is gone (a deleted endpoint's row, a secret put away). */
  onFocusLost: () => void
}

/** What is open under one endpoint's row: its events to edit, or its delivery log. */
type Opened = { endpointId: string; view: 'events' | 'deliveries' }

const deliveryStatusLabels: Record<WebhookDelivery['status'], string> = {
  pending: 'Pending',
  succeeded: 'Delivered',
  failed: 'Failed',
}

function describeEvents(events: WebhookEventType[]): string {
  return events.length === 0 ? 'Every event' : events.join(', ')
}

function describeState({ disabledAt, disabledReason }: WebhookEndpoint): string {
  if (disabledAt === null) return 'On'
  return disabledReason === 'gone' ? `Off since ${formatTime(disabledAt)}: the receiver answered 410 Gone` : 'Off'
}

/**
 * Webhook endpoints (owners and admins; the server checks it again): create one with its URL and
 * events and see its signing secret once, turn it off and on, change its events, rotate its secret
 * (also shown once), ping it, delete it, and read its delivery log with a Redeliver button per
 * delivery. Secrets are never listed again (docs/webhooks.md).
 */
export function WebhooksPanel({ webhooks, copy = copyToClipboard, onFocusLost }: WebhooksPanelProps) {
  const { data: endpoints, error, reload, change } = useServerData((signal) => webhooks.listWebhooks({ signal }))
  const [secret, setSecret] = useState<{ created: CreatedWebhook; rotated: boolean } | null>(null)
  const [opened, setOpened] = useState<Opened | null>(null)
  const [pings, setPings] = useState(0)
  /** The button that opened the row under an endpoint: focus goes back to it when that row closes. */
  const opener = useRef<HTMLButtonElement | null>(null)
  const id = useId()
  const isOpen = (endpointId: string, view: Opened['view']) => opened?.endpointId === endpointId && opened.view === view

  function toggle(event: MouseEvent<HTMLButtonElement>, next: Opened): void {
    opener.current = event.currentTarget
    setOpened(isOpen(next.endpointId, next.view) ? null : next)
  }

  function closeEvents(): void {
    setOpened(null)
    reload()
    opener.current?.focus()
  }

  async function remove(endpointId: string): Promise<void> {
    await change(() => webhooks.deleteWebhook({ endpointId }))
    onFocusLost()
  }

  async function rotate(endpointId: string): Promise<void> {
    await change(async () => setSecret({ created: await webhooks.rotateWebhookSecret({ endpointId }), rotated: true }))
  }

  async function ping(endpointId: string): Promise<void> {
    await change(() => webhooks.pingWebhook({ endpointId }))
    setOpened({ endpointId, view: 'deliveries' })
    // A log already open loads again, with the ping in it.
    setPings((count) => count + 1)
  }

  return (
    <div className="console-settings__panel">
      <CreateWebhookForm
        webhooks={webhooks}
        onCreated={(created) => {
          setSecret({ created, rotated: false })
          reload()
        }}
      />
      {secret && (
        <NewSecret
          title={`${secret.rotated ? 'The new signing secret' : 'The signing secret'} of ${secret.created.endpoint.url}`}
          advice={
            secret.rotated
              ? 'The old secret keeps signing beside it for 24 hours: give the receiver this one before then.'
              : 'The receiver checks each delivery with it: keep it where the receiver keeps secrets.'
          }
          label={`The signing secret of ${secret.created.endpoint.url}`}
          secret={secret.created.secret}
          copy={copy}
          onDone={() => {
            setSecret(null)
            onFocusLost()
          }}
        />
      )}
      <ErrorAlert error={error} />
      <div className="console-table-wrap">
        <table className="console-table">
          <caption>Webhook endpoints ({endpoints?.length ?? '…'})</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Receiving</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {endpoints?.map((endpoint) => (
              <Fragment key={endpoint.id}>
                <tr data-revoked={endpoint.disabledAt ? '' : undefined}>
                  <th scope="row">
                    <span className="console-table__stack">
                      <span className="console-webhooks__url">{endpoint.url}</span>
                      <span className="console-muted">Created {formatTime(endpoint.createdAt)}</span>
                    </span>
                  </th>
                  <td>{describeEvents(endpoint.events)}</td>
                  <td>{describeState(endpoint)}</td>
                  <td>
                    <div className="console-webhooks__actions">
                      <button
                        type="button"
                        className="console-button"
                        aria-label={`${endpoint.disabledAt ? 'Turn on' : 'Turn off'} ${endpoint.url}`}
                        onClick={() =>
                          void change(() =>
                            webhooks.updateWebhook({ endpointId: endpoint.id, enabled: endpoint.disabledAt !== null }),
                          ).catch(() => undefined)
                        }
                      >
                        {endpoint.disabledAt ? 'Turn on' : 'Turn off'}
                      </button>
                      <button
                        type="button"
                        className="console-button"
                        aria-label={`Edit the events of ${endpoint.url}`}
                        aria-expanded={isOpen(endpoint.id, 'events')}
                        aria-controls={isOpen(endpoint.id, 'events') ? `${id}-detail` : undefined}
                        onClick={(event) => toggle(event, { endpointId: endpoint.id, view: 'events' })}
                      >
                        Edit events
                      </button>
                      <button
                        type="button"
                        className="console-button"
                        aria-label={`Deliveries to ${endpoint.url}`}
                        aria-expanded={isOpen(endpoint.id, 'deliveries')}
                        aria-controls={isOpen(endpoint.id, 'deliveries') ? `${id}-detail` : undefined}
                        onClick={(event) => toggle(event, { endpointId: endpoint.id, view: 'deliveries' })}
                      >
                        Deliveries
                      </button>
                      <button
                        type="button"
                        className="console-button"
                        aria-label={`Ping ${endpoint.url}`}
                        onClick={() => void ping(endpoint.id).catch(() => undefined)}
                      >
                        Ping
                      </button>
                      <ConfirmButton
                        label="Rotate secret"
                        name={`Rotate the signing secret of ${endpoint.url}`}
                        question={`Rotate the signing secret of ${endpoint.url}?`}
                        detail="The new secret is shown once; the current one keeps signing beside it for 24 hours."
                        confirmLabel="Rotate secret"
                        onConfirm={() => rotate(endpoint.id)}
                      />
                      <ConfirmButton
                        label="Delete"
                        name={`Delete ${endpoint.url}`}
                        question={`Delete ${endpoint.url}?`}
                        detail="It receives nothing more, and its delivery log is deleted with it."
                        confirmLabel="Delete endpoint"
                        onConfirm={() => remove(endpoint.id)}
                      />
                    </div>
                  </td>
                </tr>
                {/* Right under its endpoint, so the keyboard reaches it next from the button that opened it. */}
                {opened?.endpointId === endpoint.id && (
                  <tr>
                    <td id={`${id}-detail`} colSpan={4}>
                      {opened.view === 'events' ? (
                        <EditEventsForm webhooks={webhooks} endpoint={endpoint} onDone={closeEvents} />
                      ) : (
                        <DeliveryLog key={pings} webhooks={webhooks} endpoint={endpoint} onRefresh={reload} />
                      )}
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

/** The protocol's event types as checkboxes; none checked is every event, as the server reads it. */
function EventChoice({
  chosen,
  onChange,
}: {
  chosen: WebhookEventType[]
  onChange: (chosen: WebhookEventType[]) => void
}) {
  const id = useId()
  return (
    <fieldset className="console-hours__group" aria-describedby={`${id}-hint`}>
      <legend>Events</legend>
      <p id={`${id}-hint`} className="console-muted console-hours__hint">
        None chosen: every event, and those added later.
      </p>
      {webhookEventTypes.map((type) => (
        <label key={type} className="console-hours__check">
          <input
            type="checkbox"
            checked={chosen.includes(type)}
            onChange={(event) =>
              onChange(
                event.target.checked
                  ? webhookEventTypes.filter((other) => other === type || chosen.includes(other))
                  : chosen.filter((other) => other !== type),
              )
            }
          />
          <code>{type}</code>
        </label>
      ))}
    </fieldset>
  )
}

function CreateWebhookForm({
  webhooks,
  onCreated,
}: {
  webhooks: WebhooksClient
  onCreated: (created: CreatedWebhook) => void
}) {
  const [url, setUrl] = useState('')
  const [events, setEvents] = useState<WebhookEventType[]>([])
  const { busy, failure, setFailure, run } = useAction()
  const id = useId()

  function submit(event: FormEvent): void {
    event.preventDefault()
    if (url.trim() === '') {
      setFailure('Give the URL the deliveries go to, such as https://crm.example/threadline.')
      return
    }
    void run(async () => {
      onCreated(await webhooks.createWebhook({ url: url.trim(), events }))
      setUrl('')
      setEvents([])
    })
  }

  return (
    <form className="console-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add an endpoint</h3>
      <div className="console-form__fields">
        <label>
          URL
          <input
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
        </label>
      </div>
      <EventChoice chosen={events} onChange={setEvents} />
      <button type="submit" className="console-button console-button--primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add endpoint'}
      </button>
      <ErrorAlert error={failure} />
    </form>
  )
}

function EditEventsForm({
  webhooks,
  endpoint,
  onDone,
}: {
  webhooks: WebhooksClient
  endpoint: WebhookEndpoint
  onDone: () => void
}) {
  const [events, setEvents] = useState(endpoint.events)
  const { busy, failure, run } = useAction()
  const id = useId()

  function submit(event: FormEvent): void {
    event.preventDefault()
    void run(async () => {
      await webhooks.updateWebhook({ endpointId: endpoint.id, events })
      onDone()
    })
  }

  return (
    <form className="console-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Events of {endpoint.url}</h3>
      <EventChoice chosen={events} onChange={setEvents} />
      <div className="console-webhooks__actions">
        <button type="submit" className="console-button console-button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save events'}
        </button>
        <button type="button" className="console-button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ErrorAlert error={failure} />
    </form>
  )
}

/** What the receiver last answered: its status code, or why there was none. */
function lastResponse({ lastStatusCode, lastError }: WebhookDelivery): string {
  return lastStatusCode === null ? (lastError ?? 'None yet') : String(lastStatusCode)
}

/**
 * The endpoint's newest deliveries (the server answers 50), each with a Redeliver button. Refresh
 * reloads the endpoints too (`onRefresh`): a receiver's 410 Gone turns its endpoint off.
 */
function DeliveryLog({
  webhooks,
  endpoint,
  onRefresh,
}: {
  webhooks: WebhooksClient
  endpoint: WebhookEndpoint
  onRefresh: () => void
}) {
  const endpointId = endpoint.id
  const {
    data: deliveries,
    error,
    reload,
    change,
  } = useServerData((signal) => webhooks.listWebhookDeliveries({ endpointId, signal }))
  const id = useId()

  return (
    <section className="console-webhooks__log" aria-labelledby={`${id}-title`}>
      <div className="console-webhooks__actions">
        <h3 id={`${id}-title`}>Deliveries to {endpoint.url}</h3>
        <button
          type="button"
          className="console-button"
          onClick={() => {
            reload()
            onRefresh()
          }}
        >
          Refresh
        </button>
      </div>
      <ErrorAlert error={error} />
      {deliveries?.length === 0 && <p className="console-muted">Nothing sent yet: Ping sends a test delivery.</p>}
      {deliveries && deliveries.length > 0 && (
        <div className="console-table-wrap">
          <table className="console-table">
            <caption className="tl-visually-hidden">Deliveries to {endpoint.url}</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last response</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => (
                <tr key={delivery.id}>
                  <th scope="row">
                    <span className="console-table__stack">
                      <code>{delivery.type}</code>
                      <span className="console-muted">{formatTime(delivery.createdAt)}</span>
                    </span>
                  </th>
                  <td>
                    {deliveryStatusLabels[delivery.status]}
                    {delivery.status === 'pending' && delivery.nextAttemptAt && (
                      <span className="console-muted"> (next try {formatTime(delivery.nextAttemptAt)})</span>
                    )}
                  </td>
                  <td>{delivery.attempts}</td>
                  <td>{lastResponse(delivery)}</td>
                  <td>
                    <button
                      type="button"
                      className="console-button"
                      aria-label={`Redeliver ${delivery.type}, ${formatTime(delivery.createdAt)}`}
                      onClick={() =>
                        void change(() => webhooks.redeliverWebhook({ endpointId, deliveryId: delivery.id })).catch(
                          () => undefined,
                        )
                      }
                    >
                      Redeliver
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

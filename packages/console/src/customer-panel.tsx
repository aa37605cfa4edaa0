import type {
  AccountAttributes,
  CodeOutcome,
  CustomerDevice,
  LinkedAccount,
  RecordedPageView,
} from '@threadline/protocol'
import type { ReactNode } from 'react'
import { formatDuration } from './format-duration.js'
import { formatTime } from './format-time.js'
import { identificationNames } from './identification-labels.js'

/** The customer panel beside the conversation: who they are, their account, pinned notes, their pages. */
export function CustomerDetails({
  email,
  emailVerified,
  externalId,
  account,
  lastCodeOutcome,
  startedAt,
  device,
  pageViews,
  pinnedNotes,
  dataActions,
}: {
  email: string | null
  emailVerified: boolean
  externalId: string | null
  account: LinkedAccount | null
  lastCodeOutcome: CodeOutcome
  startedAt: string
  /** The device of the customer's last page view; undefined before the first. */
  device?: CustomerDevice | undefined
  pageViews: RecordedPageView[]
  /** The pinned notes section, which loads and changes on its own. */
  pinnedNotes: ReactNode
  /** Export and erase (owners and admins), rendered last. */
  dataActions?: ReactNode
}) {
  return (
    <aside className="console-customer" aria-label="Customer">
      <h3>Customer</h3>
      <dl>
        <dt>Email</dt>
        <dd>{email ? `${email}${emailVerified ? ' (verified)' : ' (not verified)'}` : 'Unknown'}</dd>
        {/* The site's id from a sign-in that has no account record (one made before accounts existed); else the panel below shows it. */}
        {externalId !== null && account === null && (
          <>
            <dt>Site user id</dt>
            <dd>{externalId}</dd>
          </>
        )}
        <dt>Chatting for</dt>
        <dd>
          <time dateTime={startedAt}>{formatDuration(startedAt)}</time>
        </dd>
        <dt>Language</dt>
        <DeviceValue value={device?.language ?? null}>{(tag) => languageName(tag)}</DeviceValue>
        <dt>Local time</dt>
        <DeviceValue value={device?.timeZone ?? null}>{(zone) => localTime(zone)}</DeviceValue>
        <dt>IP address</dt>
        <DeviceValue value={device?.ipAddress ?? null}>{(address) => address}</DeviceValue>
      </dl>
      <AccountDetails account={account} lastCodeOutcome={lastCodeOutcome} />
      {pinnedNotes}
      <h3>Pages visited</h3>
      {pageViews.length === 0 ? (
        <p className="console-muted">None recorded.</p>
      ) : (
        <ol className="console-pages">
          {pageViews
            .slice(-20)
            .reverse()
            .map((view, index) => (
              <li key={`${view.at}-${index}`}>
                <span className="console-pages__title">{view.title || view.url}</span>
                <span className="console-pages__url">{view.url}</span>
                <time dateTime={view.at}>{formatTime(view.at)}</time>
              </li>
            ))}
        </ol>
      )}
      {dataActions}
    </aside>
  )
}

const wrongCodeNote = 'The last code pasted here was wrong or expired.'

/**
 * The site's account behind the customer, as the site described it (admin API or identity token),
 * and how the link was made: a code pasted in this chat at a time the advisor can see in the
 * transcript, or the site's own sign-in. Unlinked: say so, so nobody takes the customer's word for it.
 */
function AccountDetails({ account, lastCodeOutcome }: { account: LinkedAccount | null; lastCodeOutcome: CodeOutcome }) {
  if (!account) {
    return (
      <section className="console-account" aria-label="Account">
        <h3>Account</h3>
        <p>{identificationNames.not_identified}</p>
        <p className="console-muted">
          {lastCodeOutcome === 'invalid'
            ? wrongCodeNote
            : 'Ask the customer to paste the identification code from their account page.'}
        </p>
      </section>
    )
  }
  const attributes = Object.entries(account.attributes).filter(
    (entry): entry is [string, Exclude<AccountAttributes[string], null>] => entry[1] !== null,
  )
  return (
    <section className="console-account" aria-label="Account">
      <h3>Account</h3>
      <p className="console-account__link" data-via={account.linkedVia}>
        {account.linkedVia === 'code' ? (
          <>
            Linked via code at <time dateTime={account.linkedAt}>{formatTime(account.linkedAt)}</time>
          </>
        ) : (
          'Signed in on the site'
        )}
      </p>
      <dl>
        <dt>Account id</dt>
        <dd>{account.externalId}</dd>
        <dt>Name</dt>
        <dd>{account.name ?? 'Unknown'}</dd>
        <dt>Email</dt>
        <dd>{account.email ?? 'Unknown'}</dd>
        <dt>Phone</dt>
        <dd>{account.phone ?? 'Unknown'}</dd>
        {attributes.map(([name, value]) => (
          <AttributeRow key={name} name={name} value={value} />
        ))}
      </dl>
      {lastCodeOutcome === 'invalid' && <p className="console-muted">{wrongCodeNote}</p>}
    </section>
  )
}

function AttributeRow({ name, value }: { name: string; value: string | number | boolean }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value)}</dd>
    </>
  )
}

/** One of the device's facts, or "Not known" when the last page view did not carry it (or none came yet). */
function DeviceValue({ value, children }: { value: string | null; children: (value: string) => string }) {
  return value === null ? <dd className="console-muted">Not known</dd> : <dd>{children(value)}</dd>
}

/** `fr-FR` → "French (France) · fr-FR"; the tag alone where the browser cannot name it. */
function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(undefined, { type: 'language' }).of(tag)
    return name && name !== tag ? `${name} · ${tag}` : tag
  } catch {
    return tag
  }
}

/** The customer's clock now, with their zone: "14:05 · Europe/Paris". */
function localTime(zone: string): string {
  try {
    const time = new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(
      new Date(),
    )
    return `${time} · ${zone}`
  } catch {
    return zone
  }
}

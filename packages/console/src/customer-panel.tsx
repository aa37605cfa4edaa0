import type { AccountAttributes, CodeOutcome, LinkedAccount, RecordedPageView } from '@threadline/protocol'
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
  pageViews,
  pinnedNotes,
}: {
  email: string | null
  emailVerified: boolean
  externalId: string | null
  account: LinkedAccount | null
  lastCodeOutcome: CodeOutcome
  startedAt: string
  pageViews: RecordedPageView[]
  /** The pinned notes section, which loads and changes on its own. */
  pinnedNotes: ReactNode
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
        {/* The server records none of these yet; their rows are here so the panel's layout stays when it does. */}
        <dt>Language</dt>
        <dd className="console-muted">Not recorded yet</dd>
        <dt>Local time</dt>
        <dd className="console-muted">Not recorded yet</dd>
        <dt>IP address</dt>
        <dd className="console-muted">Not recorded yet</dd>
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

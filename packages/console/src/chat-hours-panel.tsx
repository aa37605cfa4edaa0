import { chatModes, closedModes } from '@threadline/protocol'
import type {
  Availability,
  ChatMode,
  ChatSettings,
  ClosedChatMode,
  Opening,
  ScheduleException,
} from '@threadline/protocol'
import { useId, useState } from 'react'
import type { FormEvent } from 'react'
import type { TeamClient } from '@threadline/api'
import { ErrorAlert } from './error-alert.js'
import { formatTime } from './format-time.js'
import { useAction } from './use-action.js'
import { useServerData } from './use-server-data.js'

export interface ChatHoursPanelProps {
  team: TeamClient
}

const chatModeLabels: Record<ChatMode, string> = {
  live: 'Live',
  offline: 'Offline: customers write, answers go by email',
  'read-only': 'Read-only: customers read, cannot write',
  hidden: 'Hidden: no launcher for new visitors',
}

/** ISO weekdays, 1 is Monday. */
const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

/** What the form holds: strings as typed, so a refused save keeps every one of them. */
interface Draft {
  overrideMode: ChatMode | ''
  /** `datetime-local` value, in this browser's zone; '' is "until it is cleared". */
  overrideUntil: string
  scheduled: boolean
  timeZone: string
  /** Index 0 is Monday; an empty list is closed all day. */
  week: Opening[][]
  exceptions: ScheduleException[]
  closedMode: ClosedChatMode
}

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** An ISO instant as a `datetime-local` value in this browser's zone. */
function localDateTime(iso: string): string {
  const at = new Date(iso)
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`
}

function draftOf({ override, schedule }: ChatSettings): Draft {
  return {
    overrideMode: override?.mode ?? '',
    overrideUntil: override?.until ? localDateTime(override.until) : '',
    scheduled: schedule !== null,
    timeZone: schedule?.timeZone ?? browserTimeZone(),
    week: weekdays.map((_, index) =>
      (schedule?.weekly ?? [])
        .filter((opening) => opening.day === index + 1)
        .map(({ opens, closes }) => ({ opens, closes })),
    ),
    exceptions: schedule?.exceptions ?? [],
    closedMode: schedule?.closedMode ?? 'offline',
  }
}

/** The body of the PUT: exactly what the form shows. */
function settingsOf(draft: Draft): ChatSettings {
  const until = draft.overrideUntil === '' ? null : new Date(draft.overrideUntil)
  return {
    override:
      draft.overrideMode === ''
        ? null
        : {
            mode: draft.overrideMode,
            // An unreadable date goes as typed, for the server to name the field.
            until: until === null ? null : Number.isNaN(until.getTime()) ? draft.overrideUntil : until.toISOString(),
          },
    schedule: draft.scheduled
      ? {
          timeZone: draft.timeZone.trim(),
          weekly: draft.week.flatMap((hours, index) => hours.map((opening) => ({ day: index + 1, ...opening }))),
          exceptions: draft.exceptions,
          closedMode: draft.closedMode,
        }
      : null,
  }
}

/**
 * The workspace's chat mode (owners and admins; the server checks it again, H4): what customers see
 * now, a mode set by hand with an optional end, and the weekly hours with their time zone, what
 * happens outside them and the dates that are closed. Saving replaces all of it (docs/availability.md).
 */
export function ChatHoursPanel({ team }: ChatHoursPanelProps) {
  const { data, error } = useServerData((signal) => team.getChatSettings({ signal }))
  if (!data) {
    return (
      <div className="console-settings__panel">
        <ErrorAlert error={error} />
        {!error && <p role="status">Loading the chat settings…</p>}
      </div>
    )
  }
  return <ChatHoursForm team={team} initial={data.settings} availability={data.availability} />
}

function ChatHoursForm({
  team,
  initial,
  availability: loaded,
}: {
  team: TeamClient
  initial: ChatSettings
  availability: Availability
}) {
  const [draft, setDraft] = useState(() => draftOf(initial))
  const [availability, setAvailability] = useState(loaded)
  const [saved, setSaved] = useState<string | null>(null)
  const [closedDate, setClosedDate] = useState('')
  const [closedLabel, setClosedLabel] = useState('')
  const { busy, failure, setFailure, run } = useAction()
  const id = useId()
  const change = (patch: Partial<Draft>) => {
    setSaved(null)
    setDraft((current) => ({ ...current, ...patch }))
  }
  const setDay = (day: number, hours: Opening[]) =>
    change({ week: draft.week.map((current, index) => (index === day ? hours : current)) })

  function submit(event: FormEvent): void {
    event.preventDefault()
    setSaved(null)
    void run(async () => {
      const answer = await team.setChatSettings(settingsOf(draft))
      setDraft(draftOf(answer.settings))
      setAvailability(answer.availability)
      setSaved('Saved. Open chats follow the new mode at once.')
    })
  }

  function addClosedDate(): void {
    if (closedDate === '') {
      setFailure('Choose the date to close.')
      return
    }
    setFailure(null)
    const label = closedLabel.trim()
    change({
      exceptions: [
        ...draft.exceptions.filter((exception) => exception.date !== closedDate),
        { date: closedDate, hours: [], ...(label ? { label } : {}) },
      ].sort((a, b) => a.date.localeCompare(b.date)),
    })
    setClosedDate('')
    setClosedLabel('')
  }

  return (
    <div className="console-settings__panel">
      <section className="console-hours__now" aria-labelledby={`${id}-now`}>
        <h3 id={`${id}-now`}>Now</h3>
        <p>
          Customers see: <strong>{chatModeLabels[availability.mode]}</strong>
        </p>
        <p className="console-muted">
          {availability.changesAt ? `Next change: ${formatTime(availability.changesAt)}.` : 'No change planned.'}
          {availability.mode !== 'live' && availability.nextLiveAt
            ? ` Live again: ${formatTime(availability.nextLiveAt)}.`
            : ''}
        </p>
      </section>

      <form className="console-form console-hours" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <h3 id={`${id}-title`}>Chat mode and hours</h3>

        <fieldset className="console-hours__group">
          <legend>Set by hand</legend>
          <div className="console-form__fields">
            <label>
              Mode
              <select
                value={draft.overrideMode}
                onChange={(event) => change({ overrideMode: event.target.value as ChatMode | '' })}
              >
                <option value="">None: follow the hours</option>
                {chatModes.map((mode) => (
                  <option key={mode} value={mode}>
                    {chatModeLabels[mode]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Until (optional, your time)
              <input
                type="datetime-local"
                value={draft.overrideUntil}
                disabled={draft.overrideMode === ''}
                onChange={(event) => change({ overrideUntil: event.target.value })}
              />
            </label>
          </div>
        </fieldset>

        <label className="console-hours__check">
          <input
            type="checkbox"
            checked={draft.scheduled}
            onChange={(event) => change({ scheduled: event.target.checked })}
          />
          Follow opening hours
        </label>

        {draft.scheduled && (
          <>
            <div className="console-form__fields">
              <label>
                Time zone
                <input
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  aria-describedby={`${id}-zone`}
                  value={draft.timeZone}
                  onChange={(event) => change({ timeZone: event.target.value })}
                />
              </label>
              <label>
                Outside the hours
                <select
                  value={draft.closedMode}
                  onChange={(event) => change({ closedMode: event.target.value as ClosedChatMode })}
                >
                  {closedModes.map((mode) => (
                    <option key={mode} value={mode}>
                      {chatModeLabels[mode]}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <p id={`${id}-zone`} className="console-muted console-hours__hint">
              An IANA zone such as Europe/Paris. Times are 24-hour HH:MM; 24:00 ends a day.
            </p>

            <fieldset className="console-hours__group">
              <legend>Weekly hours</legend>
              {weekdays.map((name, day) => {
                const hours = draft.week[day] ?? []
                return (
                  <fieldset key={name} className="console-hours__day">
                    <legend>{name}</legend>
                    <label className="console-hours__check">
                      <input
                        type="checkbox"
                        checked={hours.length > 0}
                        onChange={(event) =>
                          setDay(day, event.target.checked ? [{ opens: '09:00', closes: '17:00' }] : [])
                        }
                      />
                      Open
                    </label>
                    {hours.length === 0 && <span className="console-muted">Closed</span>}
                    {hours.map((opening, index) => {
                      const which = hours.length > 1 ? ` (${index + 1})` : ''
                      const set = (patch: Partial<Opening>) =>
                        setDay(
                          day,
                          hours.map((current, at) => (at === index ? { ...current, ...patch } : current)),
                        )
                      return (
                        <span key={index} className="console-hours__range">
                          <label>
                            Opens{which}
                            <input
                              type="text"
                              aria-describedby={`${id}-zone`}
                              autoComplete="off"
                              className="console-hours__time"
                              value={opening.opens}
                              onChange={(event) => set({ opens: event.target.value })}
                            />
                          </label>
                          <label>
                            Closes{which}
                            <input
                              type="text"
                              aria-describedby={`${id}-zone`}
                              autoComplete="off"
                              className="console-hours__time"
                              value={opening.closes}
                              onChange={(event) => set({ closes: event.target.value })}
                            />
                          </label>
                          {index > 0 && (
                            <button
                              type="button"
                              className="console-button"
                              aria-label={`Remove ${name}'s hours${which}`}
                              onClick={() =>
                                setDay(
                                  day,
                                  hours.filter((_, at) => at !== index),
                                )
                              }
                            >
                              Remove
                            </button>
                          )}
                        </span>
                      )
                    })}
                    {hours.length > 0 && hours.length < 4 && (
                      <button
                        type="button"
                        className="console-button"
                        aria-label={`Add more hours on ${name}`}
                        onClick={() =>
                          setDay(day, [
                            ...hours,
                            { opens: hours[hours.length - 1]?.closes ?? '09:00', closes: '24:00' },
                          ])
                        }
                      >
                        Add hours
                      </button>
                    )}
                  </fieldset>
                )
              })}
            </fieldset>

            <fieldset className="console-hours__group">
              <legend>Dates with other hours</legend>
              {draft.exceptions.length === 0 ? (
                <p className="console-muted">None: every date follows the week.</p>
              ) : (
                <ul className="console-hours__dates" aria-label="Dates with other hours">
                  {draft.exceptions.map((exception) => (
                    <li key={exception.date}>
                      <span>
                        {exception.date}
                        {exception.label ? ` (${exception.label})` : ''}:{' '}
                        {exception.hours.length === 0
                          ? 'closed all day'
                          : exception.hours.map(({ opens, closes }) => `${opens}–${closes}`).join(', ')}
                      </span>
                      <button
                        type="button"
                        className="console-button"
                        aria-label={`Remove ${exception.date}`}
                        onClick={() =>
                          change({ exceptions: draft.exceptions.filter((other) => other.date !== exception.date) })
                        }
                      >
                        Remove
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <div className="console-form__fields">
                <label>
                  Date
                  <input type="date" value={closedDate} onChange={(event) => setClosedDate(event.target.value)} />
                </label>
                <label>
                  Label (optional)
                  <input
                    type="text"
                    autoComplete="off"
                    maxLength={80}
                    value={closedLabel}
                    onChange={(event) => setClosedLabel(event.target.value)}
                  />
                </label>
              </div>
              <button type="button" className="console-button" onClick={addClosedDate}>
                Close this date all day
              </button>
            </fieldset>
          </>
        )}

        <button type="submit" className="console-button console-button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <ErrorAlert error={failure} />
        <p role="status" className="console-muted console-status">
          {saved}
        </p>
      </form>
    </div>
  )
}

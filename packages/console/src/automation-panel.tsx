import { automationRules, intakeRules, intakeStepKinds } from '@threadline/protocol'
import type {
  AutomationSettingsResponse,
  IntakeSettings,
  IntakeStep,
  IntakeStepKind,
  LocalizedText,
} from '@threadline/protocol'
import { useId, useState } from 'react'
import type { FormEvent } from 'react'
import { isThreadlineError } from '@threadline/api'
import type { AutomationClient, TeamClient } from '@threadline/api'
import {
  ItemActions,
  LocalizedField,
  TextField,
  localizedOf,
  serverProblems,
  useIntakeList,
} from './automation-fields.js'
import type { IntakeFormProps } from './automation-fields.js'
import { ErrorAlert } from './error-alert.js'
import { QuickStartsForm } from './quick-starts-form.js'
import { useAction } from './use-action.js'
import { useServerData } from './use-server-data.js'

export interface AutomationPanelProps {
  automation: AutomationClient
  team: TeamClient
  /** Opens the API keys section, where a bot key is made. */
  onOpenKeys: () => void
}

const kindLabels: Record<IntakeStepKind, string> = {
  choice: 'Choice (buttons)',
  text: 'Text',
  email: 'Email address',
  consent: 'Consent (yes or no)',
}
const idHint = 'Lowercase letters, digits and _, starting with a letter, at most 40: the field the answer becomes.'

/**
 * The workspace's automation (owners and admins; the server checks it again, H4): which bot key
 * answers new conversations, and the intake steps the server asks first (docs/automation.md).
 */
export default function AutomationPanel({ automation, team, onOpenKeys }: AutomationPanelProps) {
  return (
    <div className="console-settings__panel">
      <BotForm automation={automation} team={team} onOpenKeys={onOpenKeys} />
      <IntakePanel automation={automation} />
    </div>
  )
}

const { replyDeadlineSecondsMin, replyDeadlineSecondsMax, idleDeadlineSecondsMin, idleDeadlineSecondsMax } =
  automationRules
type Deadline = 'replyDeadlineSeconds' | 'idleDeadlineSeconds'
const deadlineLimits: Record<Deadline, { min: number; max: number }> = {
  replyDeadlineSeconds: { min: replyDeadlineSecondsMin, max: replyDeadlineSecondsMax },
  idleDeadlineSeconds: { min: idleDeadlineSecondsMin, max: idleDeadlineSecondsMax },
}
const seconds = (value: number) => value.toLocaleString('en')
const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`
/** Seconds as a person says them: "90 seconds", "30 minutes", "24 hours". */
const spoken = (value: number) =>
  value % 3_600 === 0
    ? plural(value / 3_600, 'hour')
    : value % 60 === 0
      ? plural(value / 60, 'minute')
      : plural(value, 'second')
/** "From 60 seconds (1 minute) to 86,400 (24 hours); 1,800 (30 minutes) by default." */
function limitsOf(deadline: Deadline, byDefault: number): string {
  const { min, max } = deadlineLimits[deadline]
  const said = (value: number) => (value % 60 === 0 ? ` (${spoken(value)})` : '')
  return `From ${seconds(min)} seconds${said(min)} to ${seconds(max)}${said(max)}; ${seconds(byDefault)}${said(byDefault)} by default.`
}
const deadlinePaths = /^(?:replyDeadlineSeconds|idleDeadlineSeconds)$/

/** A deadline as typed, read as the server's whole seconds, or why it is not one. */
function deadlineOf(deadline: Deadline, typed: string): number | string {
  const { min, max } = deadlineLimits[deadline]
  const value = /^\s*\d+\s*$/.test(typed) ? Number(typed) : Number.NaN
  return Number.isInteger(value) && value >= min && value <= max
    ? value
    : `Write whole seconds from ${seconds(min)} to ${seconds(max)}.`
}

function BotForm({ automation, team, onOpenKeys }: AutomationPanelProps) {
  const { data, error } = useServerData((signal) =>
    Promise.all([automation.getAutomation({ signal }), team.listKeys({ signal })]),
  )
  const [choice, setChoice] = useState<string | null>(null)
  // The deadlines as typed, while they differ from the stored ones.
  const [typed, setTyped] = useState<Partial<Record<Deadline, string>>>({})
  const [problems, setProblems] = useState<Record<string, string>>({})
  const [answer, setAnswer] = useState<AutomationSettingsResponse | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const { busy, failure, setFailure, run } = useAction()
  const id = useId()
  const form = { id, problems }
  const loaded = answer ?? data?.[0]
  const keys = data?.[1] ?? []
  const botKeys = keys.filter((key) => key.scope === 'bot' && key.revokedAt === null)
  const current = choice ?? loaded?.bot?.id ?? ''
  const deadline = (name: Deadline) => typed[name] ?? String(loaded?.settings[name] ?? '')
  const type = (name: Deadline, value: string) => {
    setSaved(null)
    setFailure(null)
    setProblems({})
    setTyped({ ...typed, [name]: value })
  }

  function submit(event: FormEvent): void {
    event.preventDefault()
    if (!loaded) return
    setSaved(null)
    const reply = deadlineOf('replyDeadlineSeconds', deadline('replyDeadlineSeconds'))
    const idle = deadlineOf('idleDeadlineSeconds', deadline('idleDeadlineSeconds'))
    const found = Object.fromEntries(
      [
        ['replyDeadlineSeconds', reply],
        ['idleDeadlineSeconds', idle],
      ].filter((entry): entry is [Deadline, string] => typeof entry[1] === 'string'),
    )
    setProblems(found)
    if (typeof reply === 'string' || typeof idle === 'string') {
      setFailure('A deadline needs a fix (see below it).')
      return
    }
    void run(async () => {
      try {
        const stored = await automation.setAutomation({
          ...loaded.settings,
          botKeyId: current === '' ? null : current,
          replyDeadlineSeconds: reply,
          idleDeadlineSeconds: idle,
        })
        setAnswer(stored)
        setChoice(null)
        setTyped({})
        setSaved(stored.bot ? `Saved. ${stored.bot.name} answers new conversations.` : 'Saved. Advisors answer.')
      } catch (refusal) {
        if (isThreadlineError(refusal) && refusal.code === 'validation_failed')
          setProblems(serverProblems(refusal.message, deadlinePaths))
        throw refusal
      }
    })
  }

  return (
    <form className="console-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Bot</h3>
      <ErrorAlert error={error} />
      {!data && !error && <p role="status">Loading…</p>}
      {data && (
        <>
          <label className="console-automation__wide">
            Answers new conversations
            <select
              value={current}
              aria-describedby={`${id}-hint`}
              aria-invalid={
                failure && !problems.replyDeadlineSeconds && !problems.idleDeadlineSeconds ? true : undefined
              }
              onChange={(event) => {
                setSaved(null)
                setChoice(event.target.value)
              }}
            >
              <option value="">No bot: advisors answer</option>
              {botKeys.map((key) => (
                <option key={key.id} value={key.id}>
                  {key.name}
                </option>
              ))}
            </select>
          </label>
          <p id={`${id}-hint`} className="console-muted">
            {botKeys.length === 0
              ? 'No bot key yet: create a key with the scope Bot, then choose it here.'
              : 'A bot is a key with the scope Bot; it hands over to advisors when it is done.'}
          </p>
          {botKeys.length === 0 && (
            <button type="button" className="console-button" onClick={onOpenKeys}>
              Open API keys
            </button>
          )}
          <div className="console-form__fields">
            <TextField
              form={form}
              label="Reply deadline (seconds)"
              path="replyDeadlineSeconds"
              value={deadline('replyDeadlineSeconds')}
              onChange={(value) => type('replyDeadlineSeconds', value)}
              hint={`${id}-reply-hint`}
              inputMode="numeric"
            />
            <TextField
              form={form}
              label="Idle deadline (seconds)"
              path="idleDeadlineSeconds"
              value={deadline('idleDeadlineSeconds')}
              onChange={(value) => type('idleDeadlineSeconds', value)}
              hint={`${id}-idle-hint`}
              inputMode="numeric"
            />
          </div>
          <p id={`${id}-reply-hint`} className="console-muted">
            Reply deadline: how long the bot may take to answer a customer&rsquo;s message before the conversation goes
            to advisors. {limitsOf('replyDeadlineSeconds', automationRules.replyDeadlineSecondsDefault)}
          </p>
          <p id={`${id}-idle-hint`} className="console-muted">
            Idle deadline: how long a conversation the bot or the intake steps hold may go without a word from either
            side before it goes to advisors.{' '}
            {limitsOf('idleDeadlineSeconds', automationRules.idleDeadlineSecondsDefault)}
          </p>
          <button type="submit" className="console-button console-button--primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save bot'}
          </button>
        </>
      )}
      <ErrorAlert
        error={
          failure &&
          (problems[''] ?? (Object.keys(problems).length > 0 ? 'A deadline needs a fix (see below it).' : failure))
        }
      />
      <p role="status" className="console-muted console-status">
        {saved}
      </p>
    </form>
  )
}

/** A step as the form holds it: every text as typed, options kept while the kind changes. */
interface DraftStep {
  key: number
  id: string
  kind: IntakeStepKind
  prompt: LocalizedText
  options: LocalizedText[]
}

function draftOf(steps: IntakeStep[], nextKey: () => number): DraftStep[] {
  return steps.map((step) => ({ key: nextKey(), ...step, options: step.options ?? [] }))
}

/** The steps of the PUT: empty translations left out, options only on choice steps. */
function stepsOf(draft: DraftStep[]): IntakeStep[] {
  return draft.map(({ id, kind, prompt, options }) => ({
    id,
    kind,
    prompt: localizedOf(prompt),
    ...(kind === 'choice' ? { options: options.map(localizedOf) } : {}),
  }))
}

/** What the server would refuse, said readably, by the field's path (`steps.0.id`). */
function problemsOf(draft: DraftStep[]): Record<string, string> {
  const problems: Record<string, string> = {}
  draft.forEach((step, index) => {
    const at = `steps.${index}`
    if (!intakeRules.stepIdPattern.test(step.id)) problems[`${at}.id`] = idHint
    else if (draft.findIndex((other) => other.id === step.id) !== index)
      problems[`${at}.id`] = 'Another step has this id.'
    if (step.prompt.en === '') problems[`${at}.prompt.en`] = 'Write the question in English.'
    if (step.kind === 'choice')
      step.options.forEach((option, which) => {
        if (option.en === '') problems[`${at}.options.${which}.en`] = 'Write the option in English.'
      })
  })
  return problems
}

/** The paths of the steps form's fields and groups in the server's refusal. */
const stepPaths = /^steps\.\d+(?:\.[\w.]+)?$/

/**
 * The intake settings, loaded once: the steps and the quick starts are two forms over one PUT, so
 * each sends the other's part as last stored, and a save of one never undoes the other's.
 */
function IntakePanel({ automation }: { automation: AutomationClient }) {
  const { data, error } = useServerData((signal) => automation.getIntake({ signal }))
  const [stored, setStored] = useState<IntakeSettings | null>(null)
  const settings = stored ?? data
  if (!settings) {
    return (
      <section className="console-form">
        <ErrorAlert error={error} />
        {!error && <p role="status">Loading the intake steps…</p>}
      </section>
    )
  }
  return (
    <>
      <IntakeForm automation={automation} stored={settings} onStored={setStored} />
      <QuickStartsForm automation={automation} stored={settings} onStored={setStored} />
    </>
  )
}

function IntakeForm(props: IntakeFormProps) {
  const {
    draft,
    change,
    actionsFor,
    setItem: setStep,
    nextKey,
    submit,
    busy,
    form,
    alert,
    status,
  } = useIntakeList({
    ...props,
    list: 'steps',
    draftOf,
    itemsOf: stepsOf,
    problemsOf,
    paths: stepPaths,
    needsFix: 'Some steps need a fix (see below each field).',
    savedText: 'Saved. New sessions are asked these steps.',
  })
  const { id, problems } = form

  return (
    <form className="console-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Intake steps</h3>
      <p className="console-muted">
        Up to {intakeRules.maxSteps} questions the server asks each new session before anyone answers; each answer
        becomes a field advisors see. English is required: other languages fall back to it.
      </p>
      {draft.length === 0 && <p>No steps: new sessions go straight to the bot or the advisors.</p>}
      <ol className="console-automation__steps">
        {draft.map((step, index) => {
          const at = `steps.${index}`
          const number = index + 1
          return (
            <li key={step.key}>
              <fieldset className="console-hours__group">
                <legend>Step {number}</legend>
                {problems[at] && <p className="console-error">{problems[at]}</p>}
                <div className="console-form__fields">
                  <label>
                    Kind
                    <select
                      value={step.kind}
                      onChange={(event) => {
                        const kind = event.target.value as IntakeStepKind
                        setStep(index, {
                          kind,
                          options:
                            kind === 'choice' && step.options.length < intakeRules.minOptions
                              ? [{ en: '' }, { en: '' }]
                              : step.options,
                        })
                      }}
                    >
                      {intakeStepKinds.map((kind) => (
                        <option key={kind} value={kind}>
                          {kindLabels[kind]}
                        </option>
                      ))}
                    </select>
                  </label>
                  <TextField
                    form={form}
                    label="Id"
                    path={`${at}.id`}
                    value={step.id}
                    onChange={(value) => setStep(index, { id: value })}
                    hint={`${id}-id-hint`}
                  />
                </div>
                <LocalizedField
                  form={form}
                  name="Question"
                  path={`${at}.prompt`}
                  text={step.prompt}
                  onChange={(prompt) => setStep(index, { prompt })}
                />
                {step.kind === 'choice' && (
                  <fieldset className="console-hours__group">
                    <legend>Options of step {number}</legend>
                    {step.options.map((option, which) => {
                      const setOption = (text: LocalizedText) =>
                        setStep(index, { options: step.options.map((other, o) => (o === which ? text : other)) })
                      const name = `Option ${which + 1}`
                      return (
                        <div key={which} className="console-automation__option">
                          <LocalizedField
                            form={form}
                            name={name}
                            path={`${at}.options.${which}`}
                            text={option}
                            onChange={setOption}
                          />
                          {step.options.length > intakeRules.minOptions && (
                            <button
                              type="button"
                              className="console-button"
                              aria-label={`Remove option ${which + 1} of step ${number}`}
                              onClick={() => setStep(index, { options: step.options.filter((_, o) => o !== which) })}
                            >
                              Remove option
                            </button>
                          )}
                        </div>
                      )
                    })}
                    {step.options.length < intakeRules.maxOptions && (
                      <button
                        type="button"
                        className="console-button"
                        aria-label={`Add an option to step ${number}`}
                        onClick={() => setStep(index, { options: [...step.options, { en: '' }] })}
                      >
                        Add option
                      </button>
                    )}
                  </fieldset>
                )}
                <ItemActions noun="step" {...actionsFor(index)} />
              </fieldset>
            </li>
          )
        })}
      </ol>
      <p id={`${id}-id-hint`} className="console-muted">
        Id: {idHint}
      </p>
      {draft.length < intakeRules.maxSteps ? (
        <button
          type="button"
          className="console-button"
          onClick={() =>
            change([
              ...draft,
              { key: nextKey(), id: `step_${draft.length + 1}`, kind: 'text', prompt: { en: '' }, options: [] },
            ])
          }
        >
          Add a step
        </button>
      ) : (
        <p className="console-muted">{intakeRules.maxSteps} steps is the most.</p>
      )}
      <button type="submit" className="console-button console-button--primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save steps'}
      </button>
      <ErrorAlert error={alert} />
      <p role="status" className="console-muted console-status">
        {status}
      </p>
    </form>
  )
}

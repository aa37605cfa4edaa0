import { intakeRules, intakeStepKinds } from '@threadline/protocol'
import type {
  AutomationSettingsResponse,
  IntakeSettings,
  IntakeStep,
  IntakeStepKind,
  LocalizedText,
} from '@threadline/protocol'
import { Fragment, useId, useRef, useState } from 'react'
import type { FormEvent } from 'react'
import { isThreadlineError } from '@threadline/api'
import type { AutomationClient, TeamClient } from '@threadline/api'
import { ErrorAlert } from './error-alert.js'
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
const otherLanguages = [
  ['es', 'Spanish'],
  ['fr', 'French'],
  ['de', 'German'],
  ['ar', 'Arabic'],
] as const
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

function BotForm({ automation, team, onOpenKeys }: AutomationPanelProps) {
  const { data, error } = useServerData((signal) =>
    Promise.all([automation.getAutomation({ signal }), team.listKeys({ signal })]),
  )
  const [choice, setChoice] = useState<string | null>(null)
  const [answer, setAnswer] = useState<AutomationSettingsResponse | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const { busy, failure, run } = useAction()
  const id = useId()
  const loaded = answer ?? data?.[0]
  const keys = data?.[1] ?? []
  const botKeys = keys.filter((key) => key.scope === 'bot' && key.revokedAt === null)
  const current = choice ?? loaded?.bot?.id ?? ''

  function submit(event: FormEvent): void {
    event.preventDefault()
    if (!loaded) return
    setSaved(null)
    void run(async () => {
      const stored = await automation.setAutomation({ ...loaded.settings, botKeyId: current === '' ? null : current })
      setAnswer(stored)
      setChoice(null)
      setSaved(stored.bot ? `Saved. ${stored.bot.name} answers new conversations.` : 'Saved. Advisors answer.')
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
              aria-invalid={failure ? true : undefined}
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
          <button type="submit" className="console-button console-button--primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save bot'}
          </button>
        </>
      )}
      <ErrorAlert error={failure} />
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
  // In the server's order, so the unsaved-changes check compares like with like.
  const text = (value: LocalizedText) =>
    Object.fromEntries(
      (['en', 'es', 'fr', 'de', 'ar'] as const).flatMap((language) =>
        value[language] ? [[language, value[language]]] : [],
      ),
    ) as LocalizedText
  return draft.map(({ id, kind, prompt, options }) => ({
    id,
    kind,
    prompt: text(prompt),
    ...(kind === 'choice' ? { options: options.map(text) } : {}),
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

/**
 * The server's refusal (`Invalid request: steps.0.prompt.en: Too big…; …`) split by field; what
 * names no field of the form stays whole, under the key ''.
 */
function serverProblems(message: string): Record<string, string> {
  const problems: Record<string, string> = {}
  for (const part of message.replace(/^Invalid request: /, '').split('; ')) {
    const match = /^(steps\.\d+(?:\.[\w.]+)?): (.+)$/.exec(part)
    if (match?.[1] && match[2]) problems[match[1]] = match[2]
    else problems[''] = problems[''] ? `${problems['']}; ${part}` : part
  }
  return problems
}

function IntakePanel({ automation }: { automation: AutomationClient }) {
  const { data, error } = useServerData((signal) => automation.getIntake({ signal }))
  if (!data) {
    return (
      <section className="console-form">
        <ErrorAlert error={error} />
        {!error && <p role="status">Loading the intake steps…</p>}
      </section>
    )
  }
  return <IntakeForm automation={automation} initial={data} />
}

function IntakeForm({ automation, initial }: { automation: AutomationClient; initial: IntakeSettings }) {
  const keys = useRef(0)
  const nextKey = () => (keys.current += 1)
  // The settings as loaded, fields this console does not know included: a save replaces `steps` only.
  const [loaded, setLoaded] = useState(initial)
  const [draft, setDraft] = useState(() => draftOf(initial.steps, nextKey))
  const [problems, setProblems] = useState<Record<string, string>>({})
  const [saved, setSaved] = useState<string | null>(null)
  const { busy, failure, setFailure, run } = useAction()
  const id = useId()
  const unsaved = JSON.stringify(stepsOf(draft)) !== JSON.stringify(loaded.steps)

  const change = (steps: DraftStep[]) => {
    setSaved(null)
    // A problem is keyed by the step's place, which an edit may move: they are looked for again on save.
    setProblems({})
    setFailure(null)
    setDraft(steps)
  }
  const setStep = (index: number, patch: Partial<DraftStep>) =>
    change(draft.map((step, at) => (at === index ? { ...step, ...patch } : step)))
  const move = (index: number, by: number) => {
    const steps = [...draft]
    const [step] = steps.splice(index, 1)
    if (step) steps.splice(index + by, 0, step)
    change(steps)
  }

  function submit(event: FormEvent): void {
    event.preventDefault()
    setSaved(null)
    const found = problemsOf(draft)
    setProblems(found)
    if (Object.keys(found).length > 0) {
      setFailure('Some steps need a fix (see below each field).')
      return
    }
    void run(async () => {
      try {
        const answer = await automation.setIntake({ ...loaded, steps: stepsOf(draft) })
        setLoaded({ ...loaded, ...answer })
        setDraft(draftOf(answer.steps, nextKey))
        setSaved('Saved. New sessions are asked these steps.')
      } catch (refusal) {
        if (isThreadlineError(refusal) && refusal.code === 'validation_failed')
          setProblems(serverProblems(refusal.message))
        throw refusal
      }
    })
  }

  /** A text input of the form, its problem (local or the server's) read with it. */
  const field = (label: string, path: string, value: string, onChange: (value: string) => void, hint?: string) => {
    const problem = problems[path]
    const described = [problem && `${id}-${path}`, hint].filter(Boolean).join(' ') || undefined
    return (
      <label>
        {label}
        <input
          type="text"
          autoComplete="off"
          value={value}
          aria-invalid={problem ? true : undefined}
          aria-describedby={described}
          onChange={(event) => onChange(event.target.value)}
        />
        {problem && (
          <span id={`${id}-${path}`} className="console-error">
            {problem}
          </span>
        )}
      </label>
    )
  }
  const translations = (name: string, path: string, text: LocalizedText, onChange: (text: LocalizedText) => void) => (
    <details className="console-automation__languages">
      <summary>{name} in other languages (optional)</summary>
      <div className="console-form__fields">
        {otherLanguages.map(([language, languageName]) => (
          <Fragment key={language}>
            {field(`${name} in ${languageName}`, `${path}.${language}`, text[language] ?? '', (value) =>
              onChange({ ...text, [language]: value }),
            )}
          </Fragment>
        ))}
      </div>
    </details>
  )

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
                  {field('Id', `${at}.id`, step.id, (value) => setStep(index, { id: value }), `${id}-id-hint`)}
                </div>
                <div className="console-form__fields">
                  {field('Question in English', `${at}.prompt.en`, step.prompt.en, (value) =>
                    setStep(index, { prompt: { ...step.prompt, en: value } }),
                  )}
                </div>
                {translations('Question', `${at}.prompt`, step.prompt, (prompt) => setStep(index, { prompt }))}
                {step.kind === 'choice' && (
                  <fieldset className="console-hours__group">
                    <legend>Options of step {number}</legend>
                    {step.options.map((option, which) => {
                      const setOption = (text: LocalizedText) =>
                        setStep(index, { options: step.options.map((other, o) => (o === which ? text : other)) })
                      const name = `Option ${which + 1}`
                      return (
                        <div key={which} className="console-automation__option">
                          <div className="console-form__fields">
                            {field(`${name} in English`, `${at}.options.${which}.en`, option.en, (value) =>
                              setOption({ ...option, en: value }),
                            )}
                          </div>
                          {translations(name, `${at}.options.${which}`, option, setOption)}
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
                <div className="console-automation__actions">
                  <button
                    type="button"
                    className="console-button"
                    aria-label={`Move step ${number} up`}
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                  >
                    Move up
                  </button>
                  <button
                    type="button"
                    className="console-button"
                    aria-label={`Move step ${number} down`}
                    disabled={index === draft.length - 1}
                    onClick={() => move(index, 1)}
                  >
                    Move down
                  </button>
                  <button
                    type="button"
                    className="console-button"
                    aria-label={`Remove step ${number}`}
                    onClick={() => change(draft.filter((_, at) => at !== index))}
                  >
                    Remove
                  </button>
                </div>
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
      <ErrorAlert
        error={
          failure &&
          (problems[''] ??
            (Object.keys(problems).length > 0 ? 'Some steps need a fix (see below each field).' : failure))
        }
      />
      <p role="status" className="console-muted console-status">
        {saved ?? (unsaved ? 'Unsaved changes.' : null)}
      </p>
    </form>
  )
}

import { intakeRules, quickStartField } from '@threadline/protocol'
import type { QuickStart } from '@threadline/protocol'
import { ItemActions, LocalizedField, TextField, localizedOf, useIntakeList } from './automation-fields.js'
import type { IntakeFormProps } from './automation-fields.js'
import { ErrorAlert } from './error-alert.js'

/** A quick start as the form holds it: every text as typed. */
interface DraftQuickStart extends QuickStart {
  key: number
}

/** The quick starts of the PUT: empty translations left out. */
function quickStartsOf(draft: DraftQuickStart[]): QuickStart[] {
  return draft.map(({ id, label, message }) => ({ id, label: localizedOf(label), message: localizedOf(message) }))
}

const idHint = `Lowercase letters, digits and _, starting with a letter, at most 40: advisors see it as the field ${quickStartField}.`

/** What the server would refuse, said readably, by the field's path (`quickStarts.0.id`). */
function problemsOf(draft: DraftQuickStart[]): Record<string, string> {
  const problems: Record<string, string> = {}
  draft.forEach((quickStart, index) => {
    const at = `quickStarts.${index}`
    if (!intakeRules.stepIdPattern.test(quickStart.id)) problems[`${at}.id`] = idHint
    else if (draft.findIndex((other) => other.id === quickStart.id) !== index)
      problems[`${at}.id`] = 'Another quick start has this id.'
    if (quickStart.label.en === '') problems[`${at}.label.en`] = 'Write the label in English.'
    if (quickStart.message.en === '') problems[`${at}.message.en`] = 'Write the question in English.'
  })
  return problems
}

/** The paths of this form's fields in the server's refusal. */
const quickStartPaths = /^quickStarts\.\d+\.(?:id|label\.\w+|message\.\w+)$/

/** An id no quick start of the draft has yet. */
function freeId(draft: DraftQuickStart[]): string {
  for (let number = draft.length + 1; ; number += 1) {
    const id = `start_${number}`
    if (!draft.some((quickStart) => quickStart.id === id)) return id
  }
}

/**
 * The workspace's quick starts (docs/automation.md): up to four buttons in an empty chat, each
 * opening the conversation with its question. Saved with the intake steps as stored, in one PUT.
 */
export function QuickStartsForm(props: IntakeFormProps) {
  const {
    draft,
    change,
    actionsFor,
    setItem: setQuickStart,
    nextKey,
    submit,
    busy,
    form,
    alert,
    status,
  } = useIntakeList({
    ...props,
    list: 'quickStarts',
    draftOf: (quickStarts, nextKey): DraftQuickStart[] =>
      quickStarts.map((quickStart) => ({ key: nextKey(), ...quickStart })),
    itemsOf: quickStartsOf,
    problemsOf,
    paths: quickStartPaths,
    needsFix: 'Some quick starts need a fix (see below each field).',
    savedText: 'Saved. Chats that open from now on offer these buttons.',
  })
  const { id } = form
  const full = draft.length >= intakeRules.maxQuickStarts

  return (
    <form className="console-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Quick starts</h3>
      <p className="console-muted">
        Up to {intakeRules.maxQuickStarts} buttons in an empty chat: a tap sends its question as the customer&rsquo;s
        first message, so they need not find the words. English is required: other languages fall back to it.
      </p>
      {draft.length === 0 && <p>No quick starts: the chat opens with an empty message box.</p>}
      <ol className="console-automation__steps">
        {draft.map((quickStart, index) => {
          const at = `quickStarts.${index}`
          return (
            <li key={quickStart.key}>
              <fieldset className="console-hours__group">
                <legend>Quick start {index + 1}</legend>
                <div className="console-form__fields">
                  <TextField
                    form={form}
                    label="Id"
                    path={`${at}.id`}
                    value={quickStart.id}
                    onChange={(value) => setQuickStart(index, { id: value })}
                    hint={`${id}-id-hint`}
                  />
                </div>
                <LocalizedField
                  form={form}
                  name="Label"
                  path={`${at}.label`}
                  text={quickStart.label}
                  onChange={(label) => setQuickStart(index, { label })}
                  hint={`${id}-label-hint`}
                />
                <LocalizedField
                  form={form}
                  name="Question"
                  path={`${at}.message`}
                  text={quickStart.message}
                  onChange={(message) => setQuickStart(index, { message })}
                />
                <ItemActions noun="quick start" {...actionsFor(index)} />
              </fieldset>
            </li>
          )
        })}
      </ol>
      <p id={`${id}-id-hint`} className="console-muted">
        Id: {idHint}
      </p>
      <p id={`${id}-label-hint`} className="console-muted">
        Label: the button&rsquo;s text, at most {intakeRules.quickStartLabelMaxLength} characters. Question: what the
        tap sends, at most {intakeRules.quickStartMessageMaxLength}.
      </p>
      <button
        type="button"
        className="console-button"
        disabled={full}
        aria-describedby={full ? `${id}-full` : undefined}
        onClick={() =>
          change([...draft, { key: nextKey(), id: freeId(draft), label: { en: '' }, message: { en: '' } }])
        }
      >
        Add a quick start
      </button>
      {full && (
        <p id={`${id}-full`} className="console-muted">
          {intakeRules.maxQuickStarts} quick starts is the most: remove one to add another.
        </p>
      )}
      <button type="submit" className="console-button console-button--primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save quick starts'}
      </button>
      <ErrorAlert error={alert} />
      <p role="status" className="console-muted console-status">
        {status}
      </p>
    </form>
  )
}

import { isThreadlineError } from '@threadline/api'
import type { AutomationClient } from '@threadline/api'
import type { IntakeSettings, LocalizedText } from '@threadline/protocol'
import { useId, useRef, useState } from 'react'
import type { FormEvent, HTMLAttributes } from 'react'
import { useAction } from './use-action.js'

/**
 * The parts the Automation forms share (intake steps, quick starts, the bot's deadlines): a text
 * field with its problem read with it, a text's translations, the list item's move and remove
 * buttons, the server's refusal split by field, and a list's draft and save.
 */

/**
 * A form over the intake settings (steps, quick starts): `stored` is the settings as last loaded or
 * saved, fields this console does not know included; a save sends them with its own part replaced.
 */
export interface IntakeFormProps {
  automation: AutomationClient
  stored: IntakeSettings
  onStored: (settings: IntakeSettings) => void
}

/** The chat's languages besides English, which is required (every other one falls back to it). */
const otherLanguages = [
  ['es', 'Spanish'],
  ['fr', 'French'],
  ['de', 'German'],
  ['ar', 'Arabic'],
] as const

/** The form a field belongs to: its id (for the problems' ids) and its problems by path (`steps.0.id`). */
export interface FieldsOf {
  id: string
  problems: Record<string, string>
}

export interface TextFieldProps {
  form: FieldsOf
  label: string
  path: string
  value: string
  onChange: (value: string) => void
  /** The id of an element that explains the field. */
  hint?: string
  inputMode?: HTMLAttributes<HTMLInputElement>['inputMode']
}

/** A text input of a form, its problem (local or the server's) read with it. */
export function TextField({ form, label, path, value, onChange, hint, inputMode }: TextFieldProps) {
  const problem = form.problems[path]
  const described = [problem && `${form.id}-${path}`, hint].filter(Boolean).join(' ') || undefined
  return (
    <label>
      {label}
      <input
        type="text"
        autoComplete="off"
        inputMode={inputMode}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={described}
        onChange={(event) => onChange(event.target.value)}
      />
      {problem && (
        <span id={`${form.id}-${path}`} className="console-error">
          {problem}
        </span>
      )}
    </label>
  )
}

export interface TranslationsProps {
  form: FieldsOf
  /** What the text is, as its fields read it: "Question", "Option 2", "Label". */
  name: string
  /** The text's path; each language's field is under it (`steps.0.prompt.es`). */
  path: string
  text: LocalizedText
  onChange: (text: LocalizedText) => void
}

/** A text's other languages, folded away: they are optional. */
export function Translations({ form, name, path, text, onChange }: TranslationsProps) {
  return (
    <details className="console-automation__languages">
      <summary>{name} in other languages (optional)</summary>
      <div className="console-form__fields">
        {otherLanguages.map(([language, languageName]) => (
          <TextField
            key={language}
            form={form}
            label={`${name} in ${languageName}`}
            path={`${path}.${language}`}
            value={text[language] ?? ''}
            onChange={(value) => onChange({ ...text, [language]: value })}
          />
        ))}
      </div>
    </details>
  )
}

export interface LocalizedFieldProps extends TranslationsProps {
  /** The id of an element that explains the English field. */
  hint?: string
}

/** A text in the chat's languages: English in sight (it is required), the others folded under it. */
export function LocalizedField({ hint, ...props }: LocalizedFieldProps) {
  const { form, name, path, text, onChange } = props
  return (
    <>
      <div className="console-form__fields">
        <TextField
          form={form}
          label={`${name} in English`}
          path={`${path}.en`}
          value={text.en}
          onChange={(en) => onChange({ ...text, en })}
          hint={hint}
        />
      </div>
      <Translations {...props} />
    </>
  )
}

/** A text as the server stores it: empty translations left out, in the server's order (so drafts compare). */
export function localizedOf(value: LocalizedText): LocalizedText {
  return Object.fromEntries(
    (['en', 'es', 'fr', 'de', 'ar'] as const).flatMap((language) =>
      value[language] ? [[language, value[language]]] : [],
    ),
  ) as LocalizedText
}

export interface ItemActionsProps {
  /** What the item is, as the buttons name it: "step", "quick start". */
  noun: string
  index: number
  count: number
  onMove: (by: number) => void
  onRemove: () => void
}

/** Moves an item of a list up or down, or removes it: buttons, so the keyboard does it as well as a pointer. */
export function ItemActions({ noun, index, count, onMove, onRemove }: ItemActionsProps) {
  const number = index + 1
  return (
    <div className="console-automation__actions">
      <button
        type="button"
        className="console-button"
        aria-label={`Move ${noun} ${number} up`}
        disabled={index === 0}
        onClick={() => onMove(-1)}
      >
        Move up
      </button>
      <button
        type="button"
        className="console-button"
        aria-label={`Move ${noun} ${number} down`}
        disabled={index === count - 1}
        onClick={() => onMove(1)}
      >
        Move down
      </button>
      <button type="button" className="console-button" aria-label={`Remove ${noun} ${number}`} onClick={onRemove}>
        Remove
      </button>
    </div>
  )
}

/** `list` with the item at `index` moved `by` places. */
function moved<T>(list: readonly T[], index: number, by: number): T[] {
  const items = [...list]
  const [item] = items.splice(index, 1)
  if (item !== undefined) items.splice(index + by, 0, item)
  return items
}

/**
 * The server's refusal (`Invalid request: steps.0.prompt.en: Too big…; …`) split by field: the
 * parts whose path `fields` matches are keyed by it; what names no field of the form stays whole,
 * under the key '', so nothing the server said is lost.
 */
export function serverProblems(message: string, fields: RegExp): Record<string, string> {
  const problems: Record<string, string> = {}
  for (const part of message.replace(/^Invalid request: /, '').split('; ')) {
    const match = /^([\w.]+): (.+)$/.exec(part)
    if (match?.[1] && match[2] && fields.test(match[1])) problems[match[1]] = match[2]
    else problems[''] = problems[''] ? `${problems['']}; ${part}` : part
  }
  return problems
}

type IntakeList = 'steps' | 'quickStarts'
type ItemOf<List extends IntakeList> = NonNullable<IntakeSettings[List]>[number]

export interface IntakeListOptions<List extends IntakeList, Draft> extends IntakeFormProps {
  /** The part of the intake settings the form edits; the other goes back as stored. */
  list: List
  /** The stored items as the form holds them, each with a key of its own. */
  draftOf: (items: ItemOf<List>[], nextKey: () => number) => Draft[]
  /** The items of the PUT. */
  itemsOf: (draft: Draft[]) => ItemOf<List>[]
  /** What the console says better than the server, by the field's path. */
  problemsOf: (draft: Draft[]) => Record<string, string>
  /** The paths of the form's fields in the server's refusal (`steps.0.id`). */
  paths: RegExp
  /** The alert when a field needs a fix ("see below each field"). */
  needsFix: string
  /** The status once saved. */
  savedText: string
}

/**
 * A list of the intake settings as a form edits it (the steps, the quick starts): the draft, its
 * problems (the console's and the server's, by path), and a save that sends the settings as stored
 * with this list replaced, so the other form's part and fields unknown here go back as they are.
 */
export function useIntakeList<List extends IntakeList, Draft>(options: IntakeListOptions<List, Draft>) {
  const { automation, stored, onStored, list, draftOf, itemsOf, problemsOf, paths, needsFix, savedText } = options
  const keys = useRef(0)
  const nextKey = () => (keys.current += 1)
  const [draft, setDraft] = useState(() => draftOf(stored[list] ?? [], nextKey))
  const [problems, setProblems] = useState<Record<string, string>>({})
  const [saved, setSaved] = useState<string | null>(null)
  const { busy, failure, setFailure, run } = useAction()
  const id = useId()
  const unsaved = JSON.stringify(itemsOf(draft)) !== JSON.stringify(stored[list] ?? [])

  const change = (items: Draft[]) => {
    setSaved(null)
    // A problem is keyed by the item's place, which an edit may move: they are looked for again on save.
    setProblems({})
    setFailure(null)
    setDraft(items)
  }
  const setItem = (index: number, patch: Partial<Draft>) =>
    change(draft.map((item, at) => (at === index ? { ...item, ...patch } : item)))

  function submit(event: FormEvent): void {
    event.preventDefault()
    setSaved(null)
    const found = problemsOf(draft)
    setProblems(found)
    if (Object.keys(found).length > 0) {
      setFailure(needsFix)
      return
    }
    void run(async () => {
      try {
        const answer = await automation.setIntake({ ...stored, [list]: itemsOf(draft) })
        onStored({ ...stored, ...answer })
        setDraft(draftOf(answer[list] ?? [], nextKey))
        setSaved(savedText)
      } catch (refusal) {
        if (isThreadlineError(refusal) && refusal.code === 'validation_failed')
          setProblems(serverProblems(refusal.message, paths))
        throw refusal
      }
    })
  }

  /** The move and remove buttons' props for the item at `index`. */
  const actionsFor = (index: number): Omit<ItemActionsProps, 'noun'> => ({
    index,
    count: draft.length,
    onMove: (by) => change(moved(draft, index, by)),
    onRemove: () => change(draft.filter((_, other) => other !== index)),
  })

  return {
    draft,
    change,
    setItem,
    actionsFor,
    nextKey,
    submit,
    busy,
    form: { id, problems } satisfies FieldsOf,
    /** What the alert says: the server's words that name no field, or "see below", or the failure. */
    alert: failure && (problems[''] ?? (Object.keys(problems).length > 0 ? needsFix : failure)),
    status: saved ?? (unsaved ? 'Unsaved changes.' : null),
  }
}

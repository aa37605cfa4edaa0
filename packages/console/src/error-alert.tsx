/** A refusal, read out when it appears; nothing while there is none. */
export function ErrorAlert({ error }: { error: string | null }) {
  if (!error) return null
  return (
    <p role="alert" className="console-error">
      {error}
    </p>
  )
}

/** Rejects when `promise` has not settled within `milliseconds`: a probe or a scrape must answer, even when the database does not. */
export async function withTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${milliseconds} ms`)), milliseconds)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** The streams open in this process, so a logout or a shutdown can end them at once. */
export interface StreamRegistry {
  add(stream: { tokenHash: string | null; customerId: string | null; close: () => void }): () => void
  /** Ends every stream of the session behind `tokenHash` (logout in this process). */
  closeSession(tokenHash: string): void
  /** Customers with at least one open stream here (reply emails wait while they are connected). */
  connectedCustomerIds(): string[]
  closeAll(): void
}

export function createStreamRegistry(): StreamRegistry {
  const streams = new Set<{ tokenHash: string | null; customerId: string | null; close: () => void }>()
  return {
    add(stream) {
      streams.add(stream)
      return () => {
        streams.delete(stream)
      }
    },
    closeSession(tokenHash) {
      for (const stream of [...streams]) if (stream.tokenHash === tokenHash) stream.close()
    },
    connectedCustomerIds() {
      return [...new Set([...streams].flatMap((stream) => (stream.customerId === null ? [] : [stream.customerId])))]
    },
    closeAll() {
      for (const stream of [...streams]) stream.close()
    },
  }
}

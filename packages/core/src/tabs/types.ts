/**
 * Elects one sender among the tabs (or clients) that share a storage, so an outbox entry is
 * never sent by two of them. Web Locks where the platform has them; a BroadcastChannel election
 * otherwise; a plain "always leader" for a single client. The server's dedupe on client id is the
 * safety net under all of them.
 */
export interface TabCoordinator {
  /**
   * Runs `onLeader` when this client becomes the leader for `name`. `onLeader` receives a signal
   * that aborts when leadership is lost. Returns a function that leaves the election.
   */
  elect(name: string, onLeader: (lost: AbortSignal) => void): () => void
  /** Tells every other client on `name` that something changed (e.g. the outbox). */
  notify(name: string, message: TabMessage): void
  /** Listens for other clients' notifications on `name`. Returns an unsubscribe function. */
  listen(name: string, listener: (message: TabMessage) => void): () => void
}

export type TabMessage = { type: 'outbox.changed' } | { type: 'session.changed' }

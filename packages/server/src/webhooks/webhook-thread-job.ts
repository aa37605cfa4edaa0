import { Worker } from 'node:worker_threads'
import type { BackgroundJob } from '../background-job.js'
import { errorMessage } from '../errors/error-message.js'
import type { WebhookMetrics } from '../observability/metrics.js'
import type {
  FromWebhookThread,
  ToWebhookThread,
  WebhookRunResult,
  WebhookThreadData,
} from './webhook-thread-messages.js'

/** A thread that died is started again after this long (its deliveries are claimed for a lease; nothing is lost). */
const restartAfterMs = 1000
/** How long closing waits for the thread's run in progress before ending it. */
const stopTimeoutMs = 10_000

const fromSources = import.meta.url.endsWith('.ts')

/**
 * A build starts `webhook-thread.js`. Running from the sources (tests, `pnpm start`), the thread
 * registers tsx (the repository's development dependency) and then imports `webhook-thread.ts`:
 * a worker does not inherit the loader of the process that starts it.
 */
function newThread(data: WebhookThreadData): Worker {
  if (!fromSources) return new Worker(new URL('./webhook-thread.js', import.meta.url), { workerData: data })
  const tsx = import.meta.resolve('tsx/esm/api')
  const thread = new URL('./webhook-thread.ts', import.meta.url).href
  const script = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(thread)}) })`
  return new Worker(script, { eval: true, workerData: data, execArgv: ['--conditions=source'] })
}

/**
 * Runs the webhook job (fan-out and delivery) on a worker thread of its own with its own database
 * connection, so that its queries, commits and HTTP calls do not hold the event loop that answers
 * requests (docs/webhooks.md). The same contract as an in-process `backgroundJob`: `run()` asks the
 * thread for a run now; `stopTimer()` asks it to finish and close; `settled()` resolves once it has.
 */
export function startWebhookThread(
  data: WebhookThreadData,
  log: (line: string) => void,
  metrics: WebhookMetrics,
): BackgroundJob<WebhookRunResult> {
  const runs = new Map<number, { resolve: (result: WebhookRunResult) => void; reject: (error: Error) => void }>()
  const inFlight = new Set<Promise<WebhookRunResult>>()
  let nextRunId = 0
  let stopping = false
  let worker: Worker
  let exited: Promise<void>
  let restart: NodeJS.Timeout | null = null

  const start = () => {
    worker = newThread(data)
    worker.unref()
    worker.on('message', (message: FromWebhookThread) => {
      if (message.type === 'log') return log(message.line)
      if (message.type === 'delivery-failed') return metrics.webhookDeliveryFailed(message.status)
      if (message.type !== 'ran') return
      const run = runs.get(message.id)
      runs.delete(message.id)
      if ('error' in message) run?.reject(new Error(message.error))
      else run?.resolve(message.result)
    })
    worker.on('error', (error) => log(`The webhook thread failed: ${errorMessage(error)}`))
    exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        for (const run of runs.values()) run.reject(new Error('The webhook thread stopped'))
        runs.clear()
        resolve()
        if (stopping) return
        log(`The webhook thread exited (code ${code}); starting it again in ${restartAfterMs / 1000} s`)
        restart = setTimeout(start, restartAfterMs)
        restart.unref()
      }),
    )
  }
  start()

  const send = (message: ToWebhookThread) => worker.postMessage(message)
  return {
    run: () => {
      const run = new Promise<WebhookRunResult>((resolve, reject) => {
        if (stopping) return reject(new Error('The webhook thread is stopping'))
        const id = nextRunId++
        runs.set(id, { resolve, reject })
        send({ type: 'run', id })
      })
      inFlight.add(run)
      void run.catch(() => undefined).finally(() => inFlight.delete(run))
      return run
    },
    stopTimer: () => {
      if (stopping) return
      stopping = true
      if (restart) clearTimeout(restart)
      send({ type: 'stop' })
    },
    settled: async () => {
      if (!stopping) {
        await Promise.allSettled([...inFlight])
        return
      }
      const timer = setTimeout(() => void worker.terminate(), stopTimeoutMs)
      await exited
      clearTimeout(timer)
    },
  }
}

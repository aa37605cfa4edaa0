import { parentPort, workerData } from 'node:worker_threads'
import { backgroundJob } from '../background-job.js'
import { createSecretBox } from '../crypto/secret-box.js'
import { openDatabase } from '../database/database.js'
import { errorMessage } from '../errors/error-message.js'
import { runWebhooks, webhookPolicy } from './webhook-dispatch.js'
import type { WebhookContext } from './webhook-tables.js'
import type { FromWebhookThread, ToWebhookThread, WebhookThreadData } from './webhook-thread-messages.js'

/*
 * The webhook thread (docs/webhooks.md, "Where deliveries run"): fan-out and delivery on a
 * connection of its own, so their database work and HTTP calls never hold the event loop that
 * answers customers and advisors. Started by webhook-thread-job.ts; it only talks through messages.
 */

const port = parentPort
if (!port) throw new Error('webhook-thread.ts runs as a worker thread, started by startWebhookThread()')
const data = workerData as WebhookThreadData
const post = (message: FromWebhookThread) => port.postMessage(message)
const log = (line: string) => post({ type: 'log', line })

const database = openDatabase(data.database, { log })
const context: WebhookContext = {
  database,
  mode: data.mode,
  now: () => Date.now(),
  secretBox: createSecretBox(Buffer.from(data.secretBoxKey)),
  settings: { webhookAllowedHosts: data.webhookAllowedHosts },
  log,
  // The server's registry lives on the main thread: each count travels there as a message.
  metrics: { webhookDeliveryFailed: (status) => post({ type: 'delivery-failed', status }) },
}
const job = backgroundJob(() => runWebhooks(context, webhookPolicy(context)), {
  everyMs: data.everyMs,
  what: 'webhook run',
  log,
})

port.on('message', (message: ToWebhookThread) => {
  if (message.type === 'run') {
    job.run().then(
      (result) => post({ type: 'ran', id: message.id, result }),
      (error: unknown) => post({ type: 'ran', id: message.id, error: errorMessage(error) }),
    )
    return
  }
  job.stopTimer()
  void job
    .settled()
    .then(() => database.close())
    .catch((error: unknown) => log(`The webhook thread did not close its database: ${errorMessage(error)}`))
    .finally(() => {
      post({ type: 'stopped' })
      port.close()
    })
})

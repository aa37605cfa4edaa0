import type { SeedMessage } from './create-memory-chat.js'

/** A believable thread of `count` messages, alternating in short runs (deterministic). */
export function sampleThread(count: number): SeedMessage[] {
  const customerLines = [
    'Hi! My order has not arrived yet.',
    'It was order #4821, placed last Tuesday.',
    'Could you check the tracking number?',
    'Thanks, that helps.',
    'One more thing: can I change the delivery address?',
  ]
  const advisorLines = [
    'Hello! Sorry to hear that, let me have a look.',
    'I found it: the parcel left our warehouse yesterday.',
    'Tracking number is 1Z999AA10123456784.',
    'Yes, I can update the address until it is out for delivery.',
    'Anything else I can help with?',
  ]
  const thread: SeedMessage[] = []
  let from: SeedMessage['from'] = 'customer'
  for (let index = 0; index < count; index++) {
    const lines = from === 'customer' ? customerLines : advisorLines
    // A day apart every 40 messages, so long threads show day separators.
    thread.push({ from, text: lines[index % lines.length] ?? '', gapMinutes: index % 40 === 39 ? 24 * 60 : 2 })
    if (index % 3 !== 1) from = from === 'customer' ? 'agent' : 'customer'
  }
  // The conversation begins when the customer first writes.
  if (thread[0]) thread[0].from = 'customer'
  return thread
}

/**
 * The thread both pages render: the same 10,000 messages, deterministic, so every run and every
 * library sees identical text, authors and grouping.
 */

export interface BenchMessage {
  seq: number
  from: 'customer' | 'agent'
  name: string
  text: string
  /** Epoch ms. */
  createdAt: number
}

const words = (
  'order delivery refund invoice account password shipping tracking number address payment card ' +
  'thanks hello sorry please could you check again today tomorrow week update email code package ' +
  'the a is it my your we our this that with for from about when where why how yes no maybe'
).split(' ')

/** mulberry32: tiny, fast and the same on every engine. */
function seededRandom(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let value = Math.imul(state ^ (state >>> 15), 1 | state)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
}

export function createBenchThread(count: number): BenchMessage[] {
  const random = seededRandom(count)
  const start = Date.UTC(2026, 0, 1)
  const messages: BenchMessage[] = []
  let from: BenchMessage['from'] = 'customer'
  let runLeft = 0
  for (let seq = 1; seq <= count; seq++) {
    if (runLeft === 0) {
      from = from === 'customer' ? 'agent' : 'customer'
      runLeft = 1 + Math.floor(random() * 3)
    }
    runLeft--
    const length = 3 + Math.floor(random() * 30)
    const text = Array.from({ length }, () => words[Math.floor(random() * words.length)]).join(' ')
    messages.push({
      seq,
      from,
      name: from === 'customer' ? 'Sam Customer' : 'Alex',
      text: `${text.charAt(0).toUpperCase()}${text.slice(1)}.`,
      createdAt: start + seq * 45_000,
    })
  }
  return messages
}

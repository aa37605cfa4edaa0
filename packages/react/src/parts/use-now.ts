import { useEffect, useState } from 'react'

/** The current time, refreshed every `intervalMs` until `until` (epoch ms) has passed: a countdown's clock. */
export function useNow(until: number, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    setNow(Date.now())
    if (Date.now() >= until) return
    const timer = setInterval(() => {
      const current = Date.now()
      setNow(current)
      if (current >= until) clearInterval(timer)
    }, intervalMs)
    return () => clearInterval(timer)
  }, [until, intervalMs])
  return now
}

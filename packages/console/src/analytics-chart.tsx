import type { AnalyticsBucket } from '@threadline/protocol'
import { useEffect, useRef } from 'react'
import type uPlot from 'uplot'
import { countLabels } from './analytics-figures.js'
import type { SeriesFigure } from './analytics-figures.js'

export interface AnalyticsChartProps {
  series: readonly AnalyticsBucket[]
  figures: readonly SeriesFigure[]
  bucket: 'hour' | 'day'
  /** The chart's accessible name; the table beside it has the numbers. */
  label: string
}

/** Each line's colour: a theme property where the theme has one, read when the chart is drawn. */
const lineColours: Record<SeriesFigure, [property: string, fallback: string]> = {
  created: ['--tl-accent', '#4f46e5'],
  answered: ['--console-chart-answered', '#1a7f37'],
  finished: ['--tl-text-muted', '#5d5d6b'],
  reopened: ['--tl-warning-text', '#8a5a00'],
  blocked: ['--tl-danger', '#b42318'],
  handedOff: ['--tl-text', '#1c1c22'],
}

const chartHeight = 240

/** Whether this browser draws on a canvas (jsdom does not): without one, the table alone is the chart. */
function canDraw(): boolean {
  try {
    return typeof window.matchMedia === 'function' && document.createElement('canvas').getContext('2d') !== null
  } catch {
    return false
  }
}

/**
 * The series as lines over time, drawn by uPlot on a canvas. uPlot is loaded here, on the first
 * chart, in a chunk of its own; it sets sizes through `element.style` (CSSOM, which the console's
 * CSP allows) and its stylesheet is bundled, so nothing inline is injected. Redrawn on resize and
 * when the system switches between light and dark.
 */
export function AnalyticsChart({ series, figures, bucket, label }: AnalyticsChartProps) {
  const hostRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const host = hostRef.current
    if (!host || !canDraw()) return
    let plot: uPlot | null = null
    let cancelled = false
    const data: uPlot.AlignedData = [
      series.map((point) => Date.parse(point.start) / 1000),
      ...figures.map((figure) => series.map((point) => point[figure])),
    ]
    const scheme = window.matchMedia('(prefers-color-scheme: dark)')
    let draw: () => void = () => undefined

    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return
      draw = () => {
        plot?.destroy()
        const styles = getComputedStyle(host)
        const colour = ([property, fallback]: [string, string]) => styles.getPropertyValue(property).trim() || fallback
        const text = colour(['--tl-text', '#1c1c22'])
        const grid = colour(['--tl-border', '#d0d0d8'])
        const axis: uPlot.Axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } }
        plot = new UPlot(
          {
            width: Math.max(host.clientWidth, 240),
            height: chartHeight,
            series: [
              { label: bucket === 'hour' ? 'Hour' : 'Day' },
              ...figures.map((figure) => ({
                label: countLabels[figure],
                stroke: colour(lineColours[figure]),
                width: 2,
                points: { show: series.length <= 40 },
              })),
            ],
            axes: [
              axis,
              { ...axis, values: (_plot, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? String(tick) : '')) },
            ],
            scales: { y: { range: (_plot, _min, max) => [0, Math.max(1, max)] } },
            cursor: { drag: { x: false, y: false } },
          },
          data,
          host,
        )
      }
      draw()
    })

    const resize = new ResizeObserver(() => {
      if (plot) plot.setSize({ width: Math.max(host.clientWidth, 240), height: chartHeight })
    })
    resize.observe(host)
    const redraw = () => draw()
    scheme.addEventListener('change', redraw)
    return () => {
      cancelled = true
      resize.disconnect()
      scheme.removeEventListener('change', redraw)
      plot?.destroy()
    }
  }, [series, figures, bucket])

  // The canvas is a picture of the table that follows it: named as one, its legend left out of the reading order.
  return <div ref={hostRef} className="console-analytics__chart" role="img" aria-label={label} />
}

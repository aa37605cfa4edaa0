/** The parts of a V8 `.cpuprofile` this summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[]
  samples: number[]
  timeDeltas: number[]
}

export interface ProfileShare {
  name: string
  /** Share of the sampled time, 0–1. */
  share: number
}

export interface ProfileSummary {
  /** Where the time was spent, by function (self time). */
  functions: ProfileShare[]
  /** Time spent in or under each module, by package or repository file (inclusive, each counted once per sample). */
  modules: ProfileShare[]
}

function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName
  const inPackage = /node_modules\/\.pnpm\/([^/]+)\//.exec(url) ?? /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (inPackage?.[1]) return inPackage[1]
  const inRepository = /\/(packages\/.+|bench\/.+)$/.exec(url)
  return inRepository?.[1] ?? url
}

/** Reduces a profile to its heaviest functions and modules, which is what a reader of the bench needs to see. */
export function summarizeProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)

  const timeById = new Map<number, number>()
  let total = 0
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0
    total += delta
    timeById.set(id, (timeById.get(id) ?? 0) + delta)
  })

  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const [id, time] of timeById) {
    const node = byId.get(id)
    if (!node) continue
    const frame = node.callFrame
    const name =
      frame.url === ''
        ? frame.functionName
        : `${frame.functionName || '(anonymous)'} ${moduleOf(frame.url, frame.functionName)}:${frame.lineNumber + 1}`
    self.set(name, (self.get(name) ?? 0) + time)
    const seen = new Set<string>()
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      const ancestor = byId.get(current)
      if (!ancestor || ancestor.callFrame.url === '') continue
      const module = moduleOf(ancestor.callFrame.url, ancestor.callFrame.functionName)
      if (seen.has(module)) continue
      seen.add(module)
      inclusive.set(module, (inclusive.get(module) ?? 0) + time)
    }
  }

  const rank = (times: Map<string, number>) =>
    [...times]
      .sort((left, right) => right[1] - left[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, share: total === 0 ? 0 : time / total }))
  return { functions: rank(self), modules: rank(inclusive) }
}

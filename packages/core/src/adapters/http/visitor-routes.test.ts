import { visitorRoutes as protocolRoutes, workspaceHeader as protocolWorkspaceHeader } from '@threadline/protocol'
import { describe, expect, it } from 'vitest'
import { visitorRoutes, workspaceHeader } from './visitor-routes.js'

describe('visitor routes', () => {
  it('has every route of the protocol, with its method and path', () => {
    const expected = Object.fromEntries(
      Object.entries(protocolRoutes).map(([name, { method, path }]) => [name, { method, path }]),
    )
    expect(visitorRoutes).toStrictEqual(expected)
  })

  it('names the workspace in the protocol header', () => {
    expect(workspaceHeader).toBe(protocolWorkspaceHeader)
  })
})

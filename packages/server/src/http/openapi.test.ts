import { visitorRoutes } from '@threadline/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer } from '../testing/test-server.test-helpers.js'
import type { TestServer } from '../testing/test-server.test-helpers.js'
import { openApiPath } from './openapi.js'

interface Document {
  openapi: string
  paths: Record<
    string,
    Record<string, { operationId: string; requestBody?: unknown; responses: Record<string, unknown> }>
  >
}

describe('GET /v1/openapi.json', () => {
  let test: TestServer
  let document: Document

  beforeAll(async () => {
    test = await startTestServer()
    const response = await fetch(`${test.url}/v1/openapi.json`)
    expect(response.status).toBe(200)
    document = (await response.json()) as Document
  }, 60_000)
  afterAll(async () => {
    await test.close()
  })

  it('has an entry for every route the server mounts under /v1/, with the method it answers', () => {
    const mounted = test.server.app.routes.filter(
      (route) => route.path.startsWith('/v1/') && route.method !== 'ALL' && !route.path.includes('*'),
    )
    expect(mounted.length).toBeGreaterThan(50)
    const missing = mounted
      .filter((route) => route.path !== '/v1/openapi.json')
      .filter((route) => document.paths[openApiPath(route.path).path]?.[route.method.toLowerCase()] === undefined)
      .map((route) => `${route.method} ${route.path}`)
    expect(missing).toEqual([])
  })

  it('has an entry for the health and readiness probes', () => {
    const probes = test.server.app.routes.filter((route) => route.path === '/healthz' || route.path === '/readyz')
    expect(probes.map((route) => route.path).sort()).toEqual(['/healthz', '/readyz'])
    for (const route of probes)
      expect(document.paths[route.path]?.[route.method.toLowerCase()]?.operationId).toMatch(/^operations\./)
  })

  it('describes bodies and answers from the protocol schemas, path parameters in braces', () => {
    expect(document.openapi).toBe('3.1.0')
    const create = document.paths['/v1/agent/webhooks']?.['post']
    expect(create?.operationId).toBe('webhooks.createWebhook')
    expect(JSON.stringify(create?.requestBody)).toContain('"url"')
    expect(Object.keys(create?.responses ?? {})).toEqual(['200', 'default'])
    const reply = document.paths['/v1/agent/conversations/{id}/messages']?.['post']
    expect(reply?.operationId).toBe('agent.reply')
    const send = document.paths[visitorRoutes.sendMessage.path]?.[visitorRoutes.sendMessage.method.toLowerCase()]
    expect(JSON.stringify(send?.requestBody)).toContain('"clientId"')
  })
})

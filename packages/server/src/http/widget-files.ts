import { createHash } from 'node:crypto'
import { readFile, realpath, stat } from 'node:fs/promises'
import { extname, sep } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib'

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

export type ContentCoding = 'br' | 'gzip' | 'identity'

/** One encoding of a file as it goes on the wire; each has its own strong ETag (RFC 9110 §8.8.3). */
export interface Representation {
  coding: ContentCoding
  body: Uint8Array<ArrayBuffer>
  etag: string
}

export interface WidgetFile {
  contentType: string
  /** Identity first, then whichever compressed forms came out smaller. */
  representations: Map<ContentCoding, Representation>
}

export interface WidgetFiles {
  /**
   * The file at `relativePath` under the widget directory, read and compressed once and kept while
   * its size and mtime stay the same (a rebuild is picked up). Null when it is not a regular file
   * inside the directory, including through a symlink that points out of it.
   */
  read(relativePath: string): Promise<WidgetFile | null>
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
}

/** By extension only: the build decides names, and an unknown type must never be sniffed into something runnable. */
export function contentTypeFor(path: string): string {
  return contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/** Text-like types shrink; images and fonts are compressed already and would only cost CPU. */
function isCompressible(contentType: string): boolean {
  return /^(?:text\/|application\/(?:json|wasm)|image\/svg\+xml)/.test(contentType)
}

/** 160 bits of the content's SHA-256: the same bytes always get the same tag, across restarts and processes. */
function contentDigest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 27)
}

async function encode(body: Uint8Array<ArrayBuffer>, contentType: string): Promise<Map<ContentCoding, Representation>> {
  const digest = contentDigest(body)
  const representations = new Map<ContentCoding, Representation>([
    ['identity', { coding: 'identity', body, etag: `"${digest}"` }],
  ])
  if (!isCompressible(contentType)) return representations
  // Files are small and compressed once per build, so the slowest, smallest settings are worth it.
  const [brotliBody, gzipBody] = await Promise.all([
    brotli(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
      },
    }),
    gzipAsync(body, { level: zlibConstants.Z_BEST_COMPRESSION }),
  ])
  if (brotliBody.byteLength < body.byteLength)
    representations.set('br', { coding: 'br', body: new Uint8Array(brotliBody), etag: `"${digest}-br"` })
  if (gzipBody.byteLength < body.byteLength)
    representations.set('gzip', { coding: 'gzip', body: new Uint8Array(gzipBody), etag: `"${digest}-gzip"` })
  return representations
}

function isInside(directory: string, path: string): boolean {
  return path.startsWith(directory.endsWith(sep) ? directory : directory + sep)
}

/**
 * Reads widget files from one directory. Callers pass names they have already checked against a
 * strict pattern; the real-path check here is the second wall, so nothing outside the directory is
 * ever read, whatever the name or a symlink says.
 */
export function createWidgetFiles(directory: string): WidgetFiles {
  const cache = new Map<string, { size: number; mtimeMs: number; file: Promise<WidgetFile> }>()

  async function locate(relativePath: string): Promise<{ path: string; size: number; mtimeMs: number } | null> {
    try {
      const root = await realpath(directory)
      const path = await realpath(`${root}${sep}${relativePath}`)
      if (!isInside(root, path)) return null
      const info = await stat(path)
      return info.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : null
    } catch {
      return null
    }
  }

  return {
    async read(relativePath) {
      const found = await locate(relativePath)
      if (!found) return null
      const cached = cache.get(found.path)
      if (cached && cached.size === found.size && cached.mtimeMs === found.mtimeMs) return cached.file
      const contentType = contentTypeFor(found.path)
      const file = readFile(found.path).then(async (bytes) => ({
        contentType,
        representations: await encode(new Uint8Array(bytes), contentType),
      }))
      cache.set(found.path, { size: found.size, mtimeMs: found.mtimeMs, file })
      // A failed read is not remembered: the next request tries again.
      file.catch(() => {
        if (cache.get(found.path)?.file === file) cache.delete(found.path)
      })
      return file.catch(() => null)
    },
  }
}

/**
 * The coding to send for an `Accept-Encoding` value: brotli when acceptable, else gzip, else none.
 * Honours `q=0` (refused) and `*`.
 */
export function chooseCoding(acceptEncoding: string | undefined, available: ReadonlySet<ContentCoding>): ContentCoding {
  const weights = new Map<string, number>()
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name = '', ...parameters] = part.trim().toLowerCase().split(';')
    if (name === '') continue
    const q = parameters
      .map((parameter) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(parameter)?.[1])
      .find((value) => value !== undefined)
    weights.set(name === 'x-gzip' ? 'gzip' : name, q === undefined ? 1 : Number(q))
  }
  const acceptable = (coding: ContentCoding) => (weights.get(coding) ?? weights.get('*') ?? 0) > 0
  if (available.has('br') && acceptable('br')) return 'br'
  if (available.has('gzip') && acceptable('gzip')) return 'gzip'
  return 'identity'
}

/** `If-None-Match` matches when it is `*` or lists the tag (weak comparison, as RFC 9110 §13.1.2 asks for GET). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  if (ifNoneMatch.trim() === '*') return true
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

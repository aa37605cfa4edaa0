// Files the end-to-end journeys upload, built here so each test knows exactly what it sent.
import { crc32, deflateSync } from 'node:zlib'

/** What a phone's camera leaves in a photo: a location, in an EXIF block. */
export const exifSecret = 'GPS 48.858370 N 2.294481 E'

/** One PNG chunk: length, type, data, CRC over type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.byteLength)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A 4×4 red PNG carrying an `eXIf` chunk (a big-endian TIFF header and `exifSecret` as its text). */
export function pngWithExif(): Buffer<ArrayBuffer> {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(4, 0)
  header.writeUInt32BE(4, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: 4 }, () => [255, 0, 0]).flat())])
  const exif = Buffer.concat([Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 0]), Buffer.from(exifSecret)])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('eXIf', exif),
    chunk('IDAT', deflateSync(Buffer.concat([row, row, row, row]))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** A minimal PDF whose title tells one test's file from another's. */
export const pdfTitled = (title: string): Buffer<ArrayBuffer> =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Title (${title}) >> endobj\ntrailer << >>\n%%EOF\n`)

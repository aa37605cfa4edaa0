import type { AttachmentExtension } from '@threadline/protocol'

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  signature.every((byte, index) => bytes[offset + index] === byte)

const zip = [0x50, 0x4b, 0x03, 0x04]
const ole = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const isoMedia = (bytes: Uint8Array) => startsWith(bytes, [0x66, 0x74, 0x79, 0x70], 4)

/**
 * D2: whether the bytes look like the format the extension names. Used together with the
 * extension allowlist and the claimed type, never alone. Office formats are checked down to their
 * container (ZIP or OLE); plain text must be UTF-8 without NUL bytes.
 */
export function matchesFileSignature(extension: AttachmentExtension, bytes: Uint8Array): boolean {
  switch (extension) {
    case 'png':
      return startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    case 'jpg':
    case 'jpeg':
      return startsWith(bytes, [0xff, 0xd8, 0xff])
    case 'gif':
      return startsWith(bytes, [0x47, 0x49, 0x46, 0x38])
    case 'pdf':
      return startsWith(bytes, [0x25, 0x50, 0x44, 0x46])
    case 'mp4':
    case 'm4v':
    case 'mov':
      return isoMedia(bytes)
    case 'docx':
    case 'pptx':
    case 'odt':
      return startsWith(bytes, zip)
    case 'doc':
    case 'ppt':
      return startsWith(bytes, ole)
    case 'txt':
      if (bytes.includes(0)) return false
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes)
        return true
      } catch {
        return false
      }
  }
}

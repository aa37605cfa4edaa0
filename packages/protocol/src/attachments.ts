import { limits } from './limits.js'

// No zod here: clients import these rules, and a top-level schema would pull zod into their bundle.

/**
 * The files a customer may attach, by extension, with the content types each may honestly carry.
 * Both sides use it: clients to refuse early with a clear message, the server as one of its checks
 * (it also checks the bytes, D2, and never trusts the client's type on its own).
 */
export const attachmentRules = {
  png: { kind: 'image', contentTypes: ['image/png'] },
  jpg: { kind: 'image', contentTypes: ['image/jpeg'] },
  jpeg: { kind: 'image', contentTypes: ['image/jpeg'] },
  gif: { kind: 'image', contentTypes: ['image/gif'] },
  mov: { kind: 'video', contentTypes: ['video/quicktime'] },
  m4v: { kind: 'video', contentTypes: ['video/x-m4v', 'video/mp4'] },
  mp4: { kind: 'video', contentTypes: ['video/mp4'] },
  pdf: { kind: 'document', contentTypes: ['application/pdf'] },
  txt: { kind: 'document', contentTypes: ['text/plain'] },
  doc: { kind: 'document', contentTypes: ['application/msword'] },
  docx: { kind: 'document', contentTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'] },
  odt: { kind: 'document', contentTypes: ['application/vnd.oasis.opendocument.text'] },
  ppt: { kind: 'document', contentTypes: ['application/vnd.ms-powerpoint'] },
  pptx: {
    kind: 'document',
    contentTypes: ['application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  },
} as const satisfies Record<string, { kind: AttachmentKind; contentTypes: readonly string[] }>

export type AttachmentKind = 'image' | 'video' | 'document'
export type AttachmentExtension = keyof typeof attachmentRules

/** The `accept` attribute for a file input: every allowed extension. */
export const attachmentAccept = Object.keys(attachmentRules)
  .map((extension) => `.${extension}`)
  .join(',')

/** The lower-cased extension of a file name when it is one we accept, else null. */
export function attachmentExtension(name: string): AttachmentExtension | null {
  const dot = name.lastIndexOf('.')
  if (dot <= 0) return null
  const extension = name.slice(dot + 1).toLowerCase()
  return Object.hasOwn(attachmentRules, extension) ? (extension as AttachmentExtension) : null
}

export interface AttachmentRefusal {
  code: 'unsupported_media_type' | 'payload_too_large' | 'validation_failed'
  message: string
}

/**
 * Why a file may not be attached, or null when it may. An empty `type` is allowed (browsers leave it
 * blank for types they don't know); a type that contradicts the extension is not.
 */
export function checkAttachmentFile(file: { name: string; size: number; type: string }): AttachmentRefusal | null {
  const extension = attachmentExtension(file.name)
  if (!extension) {
    return { code: 'unsupported_media_type', message: `"${file.name}" is not a file type we accept` }
  }
  const type = file.type.toLowerCase().split(';')[0]?.trim() ?? ''
  if (
    type !== '' &&
    type !== 'application/octet-stream' &&
    !(attachmentRules[extension].contentTypes as readonly string[]).includes(type)
  ) {
    return {
      code: 'unsupported_media_type',
      message: `"${file.name}" says it is ${type}, which does not match .${extension}`,
    }
  }
  if (file.size > limits.attachmentMaxBytes) {
    return {
      code: 'payload_too_large',
      message: `"${file.name}" is larger than ${limits.attachmentMaxBytes / 1024 / 1024} MB`,
    }
  }
  if (file.size === 0) return { code: 'validation_failed', message: `"${file.name}" is empty` }
  return null
}

/**
 * D6: where a file stands with the malware scan. Only `clean` files are served; `pending` ones wait
 * for a scanner (or for the operator to choose none), `blocked` ones never will be.
 */
export const attachmentScanStates = ['pending', 'clean', 'blocked'] as const
export type AttachmentScanState = (typeof attachmentScanStates)[number]

/** `POST /v1/uploads` carries the raw bytes; the display name travels URI-encoded in this header. */
export const attachmentNameHeader = 'x-threadline-filename'

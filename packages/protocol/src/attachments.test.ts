import { describe, expect, it } from 'vitest'
import { attachmentAccept, attachmentExtension, checkAttachmentFile } from './attachments.js'
import { limits } from './limits.js'

describe('checkAttachmentFile', () => {
  describe('when the file is one the issue allows', () => {
    it.each([
      ['photo.PNG', 'image/png'],
      ['scan.jpeg', 'image/jpeg'],
      ['clip.mov', 'video/quicktime'],
      ['notes.txt', 'text/plain; charset=utf-8'],
      ['deck.pptx', ''],
      ['report.pdf', 'application/octet-stream'],
    ])('accepts %s (%s)', (name, type) => {
      expect(checkAttachmentFile({ name, type, size: 1024 })).toBeNull()
    })
  })

  describe('when the file is refused', () => {
    it.each([
      ['page.html', 'text/html'],
      ['logo.svg', 'image/svg+xml'],
      ['archive.zip', 'application/zip'],
      ['a.jpg.php', 'image/jpeg'],
      ['noextension', 'image/png'],
      ['.png', 'image/png'],
    ])('refuses %s as an unsupported type', (name, type) => {
      expect(checkAttachmentFile({ name, type, size: 10 })?.code).toBe('unsupported_media_type')
    })

    it('refuses a type that contradicts the extension (D2: the type is a claim, not a fact)', () => {
      expect(checkAttachmentFile({ name: 'cat.png', type: 'text/html', size: 10 })?.code).toBe('unsupported_media_type')
    })

    it('refuses 10 MB + 1 byte but accepts exactly 10 MB (D1)', () => {
      expect(
        checkAttachmentFile({ name: 'big.pdf', type: 'application/pdf', size: limits.attachmentMaxBytes + 1 })?.code,
      ).toBe('payload_too_large')
      expect(
        checkAttachmentFile({ name: 'big.pdf', type: 'application/pdf', size: limits.attachmentMaxBytes }),
      ).toBeNull()
    })

    it('refuses an empty file', () => {
      expect(checkAttachmentFile({ name: 'empty.txt', type: 'text/plain', size: 0 })?.code).toBe('validation_failed')
    })
  })
})

describe('attachmentExtension', () => {
  it('reads the last extension only, lower-cased', () => {
    expect(attachmentExtension('x.php.JPG')).toBe('jpg')
    expect(attachmentExtension('x.jpg.php')).toBeNull()
  })

  it('lists every allowed extension for a file input', () => {
    expect(attachmentAccept.split(',')).toEqual(expect.arrayContaining(['.png', '.mp4', '.docx', '.odt']))
    expect(attachmentAccept).not.toContain('.svg')
  })
})

import { limits } from '@threadline/protocol'
import sharp from 'sharp'
import { ApiError } from '../errors/api-error.js'

/** The formats we re-encode, each back into itself. */
export type RasterFormat = 'png' | 'jpeg' | 'gif'

const tooLarge = () =>
  new ApiError(
    'image_too_large',
    `Images may have at most ${limits.imageMaxPixels / 1_000_000} megapixels (all frames together)`,
  )

/**
 * D5: decodes the image and writes it again in the same format, so what we store holds only pixels
 * we wrote: EXIF, GPS, comments, ICC profiles and anything a polyglot hid after the image data are
 * gone. The size is read from the header first and checked against the pixel limit before a single
 * pixel is decoded (a small file that claims a huge canvas, a decompression bomb, is refused there);
 * sharp's own `limitInputPixels` stands behind that check. Animated GIFs stay animated, every frame
 * re-encoded, and their frames count together toward the limit. Orientation is applied to the pixels
 * before EXIF goes, so photos stay upright.
 */
export async function reencodeImage(format: RasterFormat, bytes: Uint8Array): Promise<Buffer> {
  const animated = format === 'gif'
  const input = { animated, limitInputPixels: limits.imageMaxPixels, failOn: 'error' } as const
  let metadata: sharp.Metadata
  try {
    // The header alone: sharp's pixel limit would refuse here already, without saying why.
    metadata = await sharp(bytes, { ...input, limitInputPixels: false }).metadata()
  } catch (error) {
    throw new ApiError('unsupported_media_type', 'The image could not be read', { cause: error })
  }
  if (metadata.format !== (format === 'jpeg' ? 'jpeg' : format)) {
    throw new ApiError('unsupported_media_type', `The image is not a ${format.toUpperCase()}`)
  }
  const frames = metadata.pages ?? 1
  const frameHeight = metadata.pageHeight ?? metadata.height
  if (metadata.width * frameHeight * frames > limits.imageMaxPixels) throw tooLarge()
  try {
    const image = sharp(bytes, input)
    if (format === 'png') return await image.rotate().png().toBuffer()
    if (format === 'jpeg') return await image.rotate().jpeg({ quality: 90, mozjpeg: true }).toBuffer()
    return await image.gif().toBuffer()
  } catch (error) {
    if (error instanceof Error && /pixel limit/i.test(error.message)) throw tooLarge()
    throw new ApiError('unsupported_media_type', 'The image could not be read', { cause: error })
  }
}

import type { ComponentPropsWithRef } from 'react'
import { safeMediaUrl } from '../links/safe-media-url.js'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'

export interface AvatarProps extends ComponentPropsWithRef<'span'> {
  name: string
  src?: string | null | undefined
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  return words.length === 0
    ? '?'
    : words
        .slice(0, 2)
        .map((word) => Array.from(word)[0]?.toLocaleUpperCase() ?? '')
        .join('')
}

/** A picture, or initials when there is none (or its URL is not one we load). Decorative: the name is said elsewhere. */
export const Avatar = partWithRef('Avatar', function Avatar({ name, src, className, ...rest }: AvatarProps) {
  const url = safeMediaUrl(src)
  return (
    <span {...rest} aria-hidden className={classNames('tl-avatar', className)} data-has-image={url ? '' : undefined}>
      {url ? <img className="tl-avatar__image" src={url} alt="" /> : initials(name)}
    </span>
  )
})

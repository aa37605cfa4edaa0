// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { expectAccessible } from '../chat.test-helpers.js'
import { FormattedText } from './formatted-text.js'

// The formatter is a chunk of its own, fetched for the first text that needs it. This file starts
// without it (each test file has its own modules), so the order of these tests is the page's story.

afterEach(() => {
  cleanup()
  vi.doUnmock('./render-markdown.js')
})

function bubble(container: HTMLElement): HTMLElement {
  return container.querySelector('.tl-formatted') as HTMLElement
}

describe('FormattedText before the formatter has arrived', () => {
  it('renders text without Markdown at once, links included, without waiting for anything', async () => {
    const { container } = render(<FormattedText text={'Hi Sam,\n\nyour order shipped: https://example.com/track'} />)
    expect(bubble(container).dataset['state']).toBeUndefined()
    expect(container.querySelectorAll('p')).toHaveLength(2)
    expect(screen.getByRole('link', { name: 'https://example.com/track' }).getAttribute('rel')).toBe(
      'noopener noreferrer nofollow',
    )
    await expectAccessible(container)
  })

  it('shows the text as typed when the formatter cannot be fetched, and tries again for the next one', async () => {
    vi.doMock('./render-markdown.js', () => {
      throw new Error('The chunk could not be fetched (offline)')
    })
    const first = render(<FormattedText text="**Offline** reply" />)
    // Hidden while it waits, so the markers never flash…
    expect(bubble(first.container).dataset['state']).toBe('loading')
    // …and shown as typed once the fetch has failed: nothing is lost.
    await waitFor(() => expect(bubble(first.container).dataset['state']).toBeUndefined())
    expect(bubble(first.container).textContent).toBe('**Offline** reply')
    expect(first.container.querySelector('strong')).toBeNull()

    vi.doUnmock('./render-markdown.js')
    const second = render(<FormattedText text="**Back** online" />)
    await waitFor(() => expect(second.container.querySelector('strong')?.textContent).toBe('Back'))
  })

  it('formats at once once the formatter has arrived', () => {
    const { container } = render(<FormattedText text={'- one\n- two'} />)
    expect(bubble(container).dataset['state']).toBeUndefined()
    expect(screen.getAllByRole('listitem')).toHaveLength(2)
  })
})

// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import {
  conversationId,
  createChat,
  expectAccessible,
  renderChat,
  sendAndWait,
  signIn,
  type Chat,
} from '../chat.test-helpers.js'
import { Composer } from './composer.js'
import { MessageList } from './message-list.js'

async function renderComposer(chat: Chat) {
  await signIn(chat)
  const user = userEvent.setup({ applyAccept: false })
  const view = renderChat(
    chat,
    <>
      <MessageList />
      <Composer />
    </>,
  )
  const box = screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' })
  return { user, box, ...view }
}

const texts = (chat: Chat) => chat.client.getState().messages.map((message) => message.text)

function fileOf(name: string, type: string, size = 1024): File {
  const file = new File(['x'], name, { type })
  Object.defineProperty(file, 'size', { value: size })
  return file
}

describe('Composer', () => {
  describe('when the customer presses Enter', () => {
    it('sends the message and empties the box', async () => {
      const chat = createChat()
      const { user, box, container } = await renderComposer(chat)
      await user.type(box, 'Hello there{Enter}')
      expect(texts(chat)).toEqual(['Hello there'])
      expect(box.value).toBe('')
      expect(await screen.findByText('Hello there')).toBeTruthy()
      await expectAccessible(container)
    })

    it('adds a line with Shift+Enter instead', async () => {
      const chat = createChat()
      const { user, box } = await renderComposer(chat)
      await user.type(box, 'one{Shift>}{Enter}{/Shift}two')
      expect(box.value).toBe('one\ntwo')
      expect(texts(chat)).toEqual([])
      await user.click(screen.getByRole('button', { name: 'Send' }))
      expect(texts(chat)).toEqual(['one\ntwo'])
    })

    it('never sends while an input method is composing', async () => {
      const chat = createChat()
      const { user, box } = await renderComposer(chat)
      await user.type(box, 'にほん')
      fireEvent.keyDown(box, { key: 'Enter', isComposing: true })
      fireEvent.keyDown(box, { key: 'Enter', keyCode: 229 })
      expect(texts(chat)).toEqual([])
      expect(box.value).toBe('にほん')
    })

    it('sends nothing when the box holds only spaces', async () => {
      const chat = createChat()
      const { user, box } = await renderComposer(chat)
      await user.type(box, '   {Enter}')
      expect(texts(chat)).toEqual([])
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Send' }).disabled).toBe(true)
    })
  })

  describe('when the customer types', () => {
    it('reports the draft to advisors through the client', async () => {
      const chat = createChat()
      const { user, box } = await renderComposer(chat)
      await sendAndWait(chat, 'First')
      await user.type(box, 'Second thoughts')
      // The client throttles typing reports (every 1.5 s), so the whole draft arrives with the next one.
      await waitFor(() => expect(chat.backend.agent.customerTyping(conversationId(chat))).toBe('Second thoughts'), {
        timeout: 4000,
      })
    })
  })

  describe('when the customer attaches files', () => {
    it('uploads an allowed file and sends it with the message', async () => {
      const chat = createChat()
      const { user, box, container } = await renderComposer(chat)
      await user.click(screen.getByRole('button', { name: 'Attach a file' }))
      await user.upload(
        container.querySelector<HTMLInputElement>('input[type="file"]')!,
        fileOf('screenshot.png', 'image/png'),
      )
      expect(await screen.findByRole('button', { name: 'Remove screenshot.png' })).toBeTruthy()
      await waitFor(() =>
        expect(container.querySelector('.tl-composer__file')?.getAttribute('data-status')).toBe('ready'),
      )
      await user.type(box, 'See attached{Enter}')
      await waitFor(() => expect(chat.client.getState().messages[0]?.delivery).toBe('sent'))
      expect(
        chat.backend.agent.messages(conversationId(chat))[0]?.attachments.map((attachment) => attachment.name),
      ).toEqual(['screenshot.png'])
      expect(screen.queryByRole('button', { name: 'Remove screenshot.png' })).toBeNull()
      await expectAccessible(container)
    })

    it('refuses a file type that is not allowed, with a clear message', async () => {
      const chat = createChat()
      const { user, container } = await renderComposer(chat)
      await user.upload(
        container.querySelector<HTMLInputElement>('input[type="file"]')!,
        fileOf('setup.exe', 'application/x-msdownload'),
      )
      expect(screen.getByRole('alert').textContent).toBe(
        '“setup.exe” can’t be sent. Send images (PNG, JPG, GIF), videos (MOV, M4V, MP4) or documents (PDF, TXT, DOC, DOCX, ODT, PPT, PPTX).',
      )
      expect(container.querySelector('.tl-composer__file')).toBeNull()
      expect(chat.backend.requestLog.filter((entry) => entry.method === 'uploadAttachment')).toHaveLength(0)
      await expectAccessible(container)
    })

    it('refuses a file over 10 MB', async () => {
      const chat = createChat()
      const { user, container } = await renderComposer(chat)
      await user.upload(
        container.querySelector<HTMLInputElement>('input[type="file"]')!,
        fileOf('video.mp4', 'video/mp4', 10 * 1024 * 1024 + 1),
      )
      expect(screen.getByRole('alert').textContent).toBe('“video.mp4” is too large. Files can be up to 10 MB.')
    })

    it('takes files pasted into the box', async () => {
      const chat = createChat()
      const { box, container } = await renderComposer(chat)
      fireEvent.paste(box, {
        clipboardData: { files: [fileOf('notes.txt', 'text/plain')], types: ['Files'], getData: () => '' },
      })
      expect(await screen.findByRole('button', { name: 'Remove notes.txt' })).toBeTruthy()
      expect(container.querySelector('.tl-composer__file-name')?.textContent).toBe('notes.txt')
    })

    it('takes dropped files, and checks them too', async () => {
      const chat = createChat()
      const { container } = await renderComposer(chat)
      const form = container.querySelector('form')!
      const dataTransfer = {
        files: [fileOf('deck.pptx', ''), fileOf('page.html', 'text/html')],
        types: ['Files'],
        dropEffect: 'none',
      }
      fireEvent.dragOver(form, { dataTransfer })
      await waitFor(() => expect(form.hasAttribute('data-dragging')).toBe(true))
      fireEvent.drop(form, { dataTransfer })
      await waitFor(() => expect(form.hasAttribute('data-dragging')).toBe(false))
      expect(await screen.findByRole('button', { name: 'Remove deck.pptx' })).toBeTruthy()
      expect(screen.getByRole('alert').textContent).toContain('“page.html” can’t be sent.')
    })
  })
})

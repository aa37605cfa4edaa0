import type { Meta, StoryObj } from '@storybook/react-vite'
import { limits } from '@threadline/protocol'
import { expect, userEvent, within } from 'storybook/test'
import type { ChatScenario } from '@threadline/core/testing'
import { Composer } from './composer.js'

/** Storybook merges parameters deeply, so every story states its whole scenario. */
const scenario = (chat: ChatScenario) => ({ chat: { signedIn: true, ...chat } })

/** The file input is hidden behind the attach button; pick files as the button's dialog would. */
async function pickFiles(canvasElement: HTMLElement, files: File[]): Promise<void> {
  const input = canvasElement.querySelector<HTMLInputElement>('input[type="file"]')
  if (!input) throw new Error('The composer has no file input')
  // Without applyAccept: the point is to show what the composer says about files the picker would hide.
  await userEvent.setup({ applyAccept: false }).upload(input, files)
}

const meta = {
  title: 'Parts/Composer',
  component: Composer,
  render: (args) => (
    <div style={{ maxWidth: 400, marginInline: 'auto', paddingTop: 200 }}>
      <Composer {...args} />
    </div>
  ),
} satisfies Meta<typeof Composer>

export default meta
type Story = StoryObj<typeof meta>

export const Empty: Story = { parameters: scenario({}) }

export const WithADraft: Story = {
  parameters: scenario({}),
  play: async ({ canvasElement }) => {
    await userEvent.type(
      within(canvasElement).getByRole('textbox', { name: 'Message' }),
      'Hello! I have a question about my order.{Shift>}{Enter}{/Shift}It was placed on Tuesday.',
    )
  },
}

export const WithoutAttachments: Story = { args: { allowAttachments: false }, parameters: scenario({}) }

/** A type the server would refuse is refused at once, with the reason. */
export const AttachmentRefusedType: Story = {
  parameters: scenario({}),
  play: async ({ canvasElement }) => {
    await pickFiles(canvasElement, [new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' })])
    await expect(await within(canvasElement).findByRole('alert')).toHaveTextContent('“setup.exe” can’t be sent.')
  },
}

export const AttachmentRefusedSize: Story = {
  parameters: scenario({}),
  play: async ({ canvasElement }) => {
    await pickFiles(canvasElement, [
      new File([new Uint8Array(limits.attachmentMaxBytes + 1)], 'holiday.mp4', { type: 'video/mp4' }),
    ])
    await expect(await within(canvasElement).findByRole('alert')).toHaveTextContent('“holiday.mp4” is too large.')
  },
}

export const TooManyAttachments: Story = {
  parameters: scenario({}),
  play: async ({ canvasElement }) => {
    const files = Array.from(
      { length: limits.attachmentsPerMessage + 1 },
      (_, index) => new File([`page ${index}`], `page-${index + 1}.txt`, { type: 'text/plain' }),
    )
    await pickFiles(canvasElement, files)
    await expect(await within(canvasElement).findByRole('alert')).toHaveTextContent(
      `You can attach up to ${limits.attachmentsPerMessage} files to one message.`,
    )
  },
}

/** The upload never finishes here, so the file stays "uploading" and Send waits for it. */
export const Uploading: Story = {
  parameters: scenario({
    setup: (chat) => chat.adapter.faults.set({ latencyMs: 24 * 60 * 60 * 1000, methods: ['uploadAttachment'] }),
  }),
  play: async ({ canvasElement }) => {
    await pickFiles(canvasElement, [new File(['%PDF-1.4'], 'contract.pdf', { type: 'application/pdf' })])
    await expect(await within(canvasElement).findByText('Uploading…')).toBeVisible()
  },
}

export const UploadFailed: Story = {
  parameters: scenario({
    setup: (chat) => chat.adapter.faults.set({ failNext: ['unavailable'], methods: ['uploadAttachment'] }),
  }),
  play: async ({ canvasElement }) => {
    await pickFiles(canvasElement, [new File(['%PDF-1.4'], 'contract.pdf', { type: 'application/pdf' })])
    await expect(await within(canvasElement).findByText(/^Upload failed/)).toBeVisible()
  },
}

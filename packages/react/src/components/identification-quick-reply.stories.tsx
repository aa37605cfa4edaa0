import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import type { ChatScenario, MemoryChat } from '@threadline/core/testing'
import { ChatPanel } from './chat-panel.js'

/**
 * A workspace that requires identification: the customer's first message gets a request for the
 * identification code from their account page, and the "I have no account" quick reply shows above
 * the composer until they paste a valid code (the real server) or decline.
 */
async function firstMessageWhileRequired(chat: MemoryChat): Promise<void> {
  chat.backend.setIdentificationMode('required')
  const sent = await chat.client.sendMessage({ text: 'Hi! Where is my order #4821?' })
  if (!sent.ok) throw sent.error
  await chat.waitUntil((state) => state.conversation?.awaitingIdentification === true && state.messages.length === 2)
}

/** Storybook merges parameters deeply, so every story states its whole scenario. */
const scenario = (chat: ChatScenario) => ({ chat: { signedIn: true, seed: 0, ...chat } })

const meta = {
  title: 'Identification quick reply',
  component: ChatPanel,
  args: { team: { name: 'Acme', replyTime: 'hours' } },
  parameters: scenario({ setup: firstMessageWhileRequired }),
  render: (args) => (
    <div style={{ display: 'flex', flexDirection: 'column', height: 600, maxWidth: 400, marginInline: 'auto' }}>
      <ChatPanel {...args} style={{ flex: 1, minHeight: 0 }} />
    </div>
  ),
} satisfies Meta<typeof ChatPanel>

export default meta
type Story = StoryObj<typeof meta>

/** The chat waits for a code: the system message asks for it and the quick reply offers the way out. */
export const AwaitingIdentification: Story = {
  play: async ({ canvasElement }) => {
    const group = await within(canvasElement).findByRole('group', { name: 'Suggested replies' })
    await expect(within(group).getByRole('button', { name: 'I have no account' })).toBeVisible()
  },
}

/** The customer chooses "I have no account" with the keyboard: it is posted as their message, and the composer takes the focus. */
export const Declined: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const button = await canvas.findByRole('button', { name: 'I have no account' })
    button.focus()
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(canvas.queryByRole('group', { name: 'Suggested replies' })).toBeNull())
    await expect(await canvas.findByText('I have no account')).toBeVisible()
    await expect(canvas.getByRole('textbox', { name: 'Message' })).toHaveFocus()
  },
}

/** Right to left, in Arabic: the posted reply is the Arabic label. */
export const Arabic: Story = {
  args: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('button', { name: 'ليس لدي حساب' })).toBeVisible()
  },
}

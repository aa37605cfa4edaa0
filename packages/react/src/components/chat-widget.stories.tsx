import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import type { ChatScenario, MemoryChat } from '@threadline/core/testing'
import { ChatWidget } from './chat-widget.js'
import type { Theme } from './chat-panel.js'

/** The toolbar's theme, as the widget's prop: "auto" leaves it to `prefers-color-scheme`. */
const themeFrom = (value: unknown): Theme | undefined => (value === 'light' || value === 'dark' ? value : undefined)

/** Storybook merges parameters deeply, so every story states its whole scenario. */
const scenario = (chat: ChatScenario) => ({ chat })

const meta = {
  title: 'Widget/ChatWidget',
  component: ChatWidget,
  args: { team: { name: 'Acme', replyTime: 'minutes' } },
  render: (args, { globals }) => <ChatWidget {...args} theme={args.theme ?? themeFrom(globals.theme)} />,
} satisfies Meta<typeof ChatWidget>

export default meta
type Story = StoryObj<typeof meta>

/** Before any click: only the launcher, whose name says what it does. */
export const Closed: Story = {
  parameters: scenario({ signedIn: false }),
}

export const ClosedWithUnreadReplies: Story = {
  parameters: scenario({
    seed: [
      { from: 'customer', text: 'Hi, is my order on its way?' },
      { from: 'agent', text: 'Hello! Let me check.' },
      { from: 'agent', text: 'It left the warehouse this morning.' },
      { from: 'agent', text: 'You should get it tomorrow.' },
    ],
  }),
  play: async ({ canvasElement }) => {
    await expect(
      await within(canvasElement).findByRole('button', { name: 'Open chat, 3 unread messages' }),
    ).toBeVisible()
  },
}

export const OpenAtTheEmailGate: Story = {
  args: { defaultOpen: true },
  parameters: scenario({ signedIn: false }),
}

export const OpenWithAConversation: Story = {
  args: { defaultOpen: true },
  parameters: scenario({ seed: 14 }),
}

/**
 * Try it: verify with any email (the code is filled in for you from the memory backend's
 * mailbox), then write; Grace reads, types and answers every message.
 */
export const Playground: Story = {
  args: { defaultOpen: true },
  parameters: scenario({
    signedIn: false,
    setup: (chat) => {
      chat.startAdvisor({
        replies: [
          'Hi! Thanks for reaching out. What can I do for you?',
          'Got it, let me look into that for you.',
          'Done! Anything else?',
          'Happy to help. Have a great day!',
        ],
        thinkingMs: 800,
        typingMs: 2_000,
      })
    },
  }),
  play: async ({ canvasElement, loaded }) => {
    const chat = loaded.chat as MemoryChat
    const canvas = within(canvasElement)
    await userEvent.type(await canvas.findByRole('textbox', { name: 'Email address' }), chat.email)
    await userEvent.click(canvas.getByRole('button', { name: 'Send me a code' }))
    const code = await canvas.findByRole('textbox', { name: 'Verification code' })
    await userEvent.type(code, chat.backend.mailbox.latestCode(chat.email) ?? '')
    await userEvent.type(
      await canvas.findByRole('textbox', { name: 'Message' }),
      'Hi! I have a question about my invoice.{Enter}',
    )
    await waitFor(() => expect(canvas.getByText('Hi! Thanks for reaching out. What can I do for you?')).toBeVisible(), {
      timeout: 6_000,
    })
  },
}

export const Dark: Story = {
  args: { defaultOpen: true },
  parameters: scenario({ seed: 14 }),
  globals: { theme: 'dark' },
}

/** Arabic: the whole widget mirrors (logical properties), the launcher moves to the left. */
export const ArabicRightToLeft: Story = {
  args: { defaultOpen: true },
  parameters: scenario({
    seed: [
      { from: 'customer', text: 'مرحبا، أين طلبي؟' },
      { from: 'agent', text: 'أهلاً! دعني أتحقق من ذلك.' },
      { from: 'agent', text: 'تم شحن طلبك هذا الصباح، رقم التتبع 1Z999AA10123456784.' },
      { from: 'customer', text: 'شكراً جزيلاً!' },
    ],
  }),
  globals: { locale: 'ar' },
}

/** Under 640 px the panel takes the whole screen and sits above the on-screen keyboard. */
export const Mobile: Story = {
  args: { defaultOpen: true },
  parameters: scenario({ seed: 14 }),
  globals: { viewport: { value: 'mobile1', isRotated: false } },
}

export const MobileAtTheEmailGate: Story = {
  args: { defaultOpen: true },
  parameters: scenario({ signedIn: false }),
  globals: { viewport: { value: 'mobile1', isRotated: false } },
}

import type { Meta, StoryObj } from '@storybook/react-vite'
import { ThreadlineError, type ErrorCode } from '@threadline/core'
import { expect, userEvent, within } from 'storybook/test'
import type { ChatScenario, MemoryChat } from '@threadline/core/testing'
import { EmailGate } from './email-gate.js'

/** Storybook merges parameters deeply, so every story states its whole scenario. */
const scenario = (chat: ChatScenario) => ({ chat: { signedIn: false, ...chat } })

/** The gate waiting for the code that was just mailed. */
async function codeRequested(chat: MemoryChat): Promise<void> {
  const started = await chat.client.startEmailVerification(chat.email)
  if (!started.ok) throw started.error
}

/** The code step, where the next verification answers `code` whatever is typed. */
const codeStepFailingWith = (code: ErrorCode) =>
  scenario({
    setup: async (chat) => {
      await codeRequested(chat)
      chat.adapter.faults.set({ failNext: [code], methods: ['verifyEmail'] })
    },
  })

/** Types the mailed code; the sixth digit submits it. */
async function typeTheCode(canvasElement: HTMLElement, chat: MemoryChat): Promise<void> {
  const canvas = within(canvasElement)
  await userEvent.type(
    await canvas.findByRole('textbox', { name: 'Verification code' }),
    chat.backend.mailbox.latestCode(chat.email) ?? '',
  )
}

async function requestACode(canvasElement: HTMLElement, email: string): Promise<void> {
  const canvas = within(canvasElement)
  await userEvent.type(await canvas.findByRole('textbox', { name: 'Email address' }), email)
  await userEvent.click(canvas.getByRole('button', { name: 'Send me a code' }))
}

const expectAlert = async (canvasElement: HTMLElement, text: string | RegExp) => {
  await expect(await within(canvasElement).findByRole('alert')).toHaveTextContent(text)
}

const meta = {
  title: 'Parts/EmailGate',
  component: EmailGate,
  render: (args) => (
    <div style={{ maxWidth: 380, marginInline: 'auto', border: '1px solid var(--tl-border)', borderRadius: 14 }}>
      <EmailGate {...args} />
    </div>
  ),
} satisfies Meta<typeof EmailGate>

export default meta
type Story = StoryObj<typeof meta>

export const EmailStep: Story = { parameters: scenario({}) }

export const NotAnEmail: Story = {
  parameters: scenario({}),
  play: async ({ canvasElement }) => {
    await requestACode(canvasElement, 'sam@')
    await expectAlert(canvasElement, 'Enter a valid email address, like name@example.com.')
  },
}

export const EmailBlocked: Story = {
  parameters: scenario({ setup: (chat) => chat.backend.block({ email: chat.email }) }),
  play: async ({ canvasElement, loaded }) => {
    await requestACode(canvasElement, (loaded.chat as MemoryChat).email)
    await expectAlert(canvasElement, 'Chat is unavailable right now.')
  },
}

export const RateLimited: Story = {
  parameters: scenario({
    setup: (chat) => chat.adapter.faults.set({ failNext: ['rate_limited'], methods: ['startEmailVerification'] }),
  }),
  play: async ({ canvasElement, loaded }) => {
    await requestACode(canvasElement, (loaded.chat as MemoryChat).email)
    await expectAlert(canvasElement, /^Too many requests/)
  },
}

export const Offline: Story = {
  parameters: scenario({ setup: (chat) => chat.adapter.setOnline(false) }),
  play: async ({ canvasElement, loaded }) => {
    await requestACode(canvasElement, (loaded.chat as MemoryChat).email)
    await expectAlert(canvasElement, 'We can’t reach the chat. Check your connection and try again.')
  },
}

/** Back at the gate because the 30-day session ended: said, not silently reset. */
export const SessionExpired: Story = {
  parameters: scenario({
    setup: (chat) =>
      chat.client.store.setState({
        lastError: new ThreadlineError('session_expired', 'The session has expired; verify again'),
      }),
  }),
}

/** The code step, with the resend countdown running. */
export const CodeStep: Story = { parameters: scenario({ setup: codeRequested }) }

export const WrongCode: Story = {
  parameters: codeStepFailingWith('otp_invalid'),
  play: async ({ canvasElement, loaded }) => {
    await typeTheCode(canvasElement, loaded.chat as MemoryChat)
    await expectAlert(canvasElement, 'That code isn’t right. Check the latest email and try again.')
  },
}

export const ExpiredCode: Story = {
  parameters: scenario({
    setup: async (chat) => {
      await codeRequested(chat)
      // Codes live 10 minutes on the backend's clock.
      chat.advanceClock(11 * 60 * 1000)
    },
  }),
  play: async ({ canvasElement, loaded }) => {
    await typeTheCode(canvasElement, loaded.chat as MemoryChat)
    await expectAlert(canvasElement, 'That code has expired. Ask for a new one.')
  },
}

export const TooManyWrongTries: Story = {
  parameters: codeStepFailingWith('otp_attempts_exceeded'),
  play: async ({ canvasElement, loaded }) => {
    await typeTheCode(canvasElement, loaded.chat as MemoryChat)
    await expectAlert(canvasElement, 'Too many wrong tries for this code. Ask for a new one.')
  },
}

export const EmailLocked: Story = {
  parameters: codeStepFailingWith('otp_locked'),
  play: async ({ canvasElement, loaded }) => {
    await typeTheCode(canvasElement, loaded.chat as MemoryChat)
    await expectAlert(canvasElement, /^Too many wrong codes for this email/)
  },
}

export const CodeBlocked: Story = {
  parameters: codeStepFailingWith('blocked'),
  play: async ({ canvasElement, loaded }) => {
    await typeTheCode(canvasElement, loaded.chat as MemoryChat)
    await expectAlert(canvasElement, 'Chat is unavailable right now.')
  },
}

/** The cooldown is over: the countdown gives way to a button. */
export const ResendAvailable: Story = {
  parameters: scenario({
    setup: async (chat) => {
      await codeRequested(chat)
      chat.advanceClock(61_000)
      // The client counts the cooldown on its own clock; move its deadline to now as well.
      chat.client.store.setState((state) => ({
        identity: {
          ...state.identity,
          verification: state.identity.verification && {
            ...state.identity.verification,
            resendAvailableAt: Date.now(),
          },
        },
      }))
    },
  }),
}

export const CodeResent: Story = {
  parameters: ResendAvailable.parameters,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await userEvent.click(await canvas.findByRole('button', { name: 'Send a new code' }))
    await expect(await canvas.findByRole('status')).toHaveTextContent(
      'A new code is on its way. The previous one no longer works.',
    )
  },
}

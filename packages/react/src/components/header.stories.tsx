import type { Meta, StoryObj } from '@storybook/react-vite'
import { Header } from './header.js'

const meta = {
  title: 'Parts/Header',
  component: Header,
  parameters: { chat: { signedIn: false } },
  args: { name: 'Acme support' },
  render: (args) => (
    <div style={{ maxWidth: 400, marginInline: 'auto', border: '1px solid var(--tl-border)', borderRadius: 14 }}>
      <Header {...args} />
    </div>
  ),
} satisfies Meta<typeof Header>

export default meta
type Story = StoryObj<typeof meta>

export const RepliesInMinutes: Story = { args: { replyTime: 'minutes' } }

export const RepliesWithinADay: Story = { args: { replyTime: 'day' } }

/** A sentence of your own instead of a preset. */
export const CustomReplyTime: Story = { args: { replyTime: 'We answer on weekdays, 9 to 5' } }

/** Avatars without pictures fall back to initials. */
export const WithTeamAvatars: Story = {
  args: {
    replyTime: 'hours',
    avatars: [
      { name: 'Grace Hopper', src: '' },
      { name: 'Ada Lovelace', src: '' },
      { name: 'Alan Turing', src: '' },
    ],
  },
}

export const WithACloseButton: Story = { args: { replyTime: 'minutes', onClose: () => {} } }

export const LongTeamName: Story = {
  args: {
    name: 'The Very Long Name Of A Customer Success Department That Does Not Fit',
    replyTime: 'hours',
    onClose: () => {},
  },
}

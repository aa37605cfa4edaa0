import type { Decorator, Loader, Preview } from '@storybook/react-vite'
import { ThreadlineProvider, useI18n } from '@threadline/react'
import type { ReactNode } from 'react'
import { startScenario, type ChatScenario, type MemoryChat } from '@threadline/core/testing'
import '../packages/react/src/styles/threadline.css'

/**
 * Every story runs on its own memory backend: a story declares where the chat starts with
 * `parameters.chat` (a ChatScenario: seeded thread, signed in or not, faults, a scripted advisor),
 * the loader builds it, and the decorator puts the client, the locale and the theme around the story.
 */

let current: MemoryChat | null = null

const chatLoader: Loader = async ({ parameters }) => {
  // One live chat at a time: the previous story's timers and advisor stop with it.
  current?.destroy()
  current = await startScenario((parameters.chat ?? {}) as ChatScenario)
  return { chat: current }
}

/** The page around a part: the theme's variables, direction and background, as the widget's root sets them. */
function Canvas({ theme, children }: { theme: string; children: ReactNode }) {
  const { dir, locale } = useI18n()
  return (
    <div
      className="tl-root"
      data-theme={theme === 'auto' ? undefined : theme}
      dir={dir}
      lang={locale}
      style={{ minHeight: '100vh', boxSizing: 'border-box', padding: 24, background: 'var(--tl-background)' }}
    >
      {children}
    </div>
  )
}

const withChat: Decorator = (Story, { loaded, globals }) => {
  const chat = loaded.chat as MemoryChat
  return (
    <ThreadlineProvider client={chat.client} locale={String(globals.locale ?? 'en')}>
      <Canvas theme={String(globals.theme ?? 'light')}>
        <Story />
      </Canvas>
    </ThreadlineProvider>
  )
}

const preview: Preview = {
  loaders: [chatLoader],
  decorators: [withChat],
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
  },
  globalTypes: {
    theme: {
      description: 'Colour scheme',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light' },
          { value: 'dark', title: 'Dark' },
          { value: 'auto', title: 'Follow the system' },
        ],
        dynamicTitle: true,
      },
    },
    locale: {
      description: 'Language of the widget',
      toolbar: {
        title: 'Locale',
        icon: 'globe',
        items: [
          { value: 'en', title: 'English' },
          { value: 'es', title: 'Español' },
          { value: 'fr', title: 'Français' },
          { value: 'de', title: 'Deutsch' },
          { value: 'ar', title: 'العربية (RTL)' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en' },
}

export default preview

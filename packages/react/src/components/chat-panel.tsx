import type { ComponentPropsWithRef, ReactNode } from 'react'
import { useI18n } from '../i18n/i18n-context.js'
import type { Messages } from '../i18n/messages.js'
import { ConnectionNotice } from '../notices/connection-notice.js'
import { classNames } from '../parts/class-names.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { LocaleProvider } from '../provider/locale-provider.js'
import { ChatBody } from './chat-body.js'
import { useChatWidget } from './chat-widget-context.js'
import { Header } from './header.js'
import { TeamContext, useTeam, type Team } from './team.js'

export type Theme = 'light' | 'dark'

export interface ChatPanelProps extends ComponentPropsWithRef<'section'> {
  /** Name, avatars and expected reply time for the header and the empty state. */
  team?: Team
  /** Overrides the provider's locale for this panel. */
  locale?: string
  messages?: Partial<Messages>
  /** Forces a colour scheme; by default it follows `prefers-color-scheme`. */
  theme?: Theme
  /** Replaces the default content (`<Header />`, `<ConnectionNotice />`, `<ChatBody />`) with your own arrangement of parts. */
  children?: ReactNode
}

const PanelRoot = partWithRef(
  'ChatPanelRoot',
  function PanelRoot({ theme, className, children, ...rest }: Omit<ChatPanelProps, 'team' | 'locale' | 'messages'>) {
    const { t, dir, locale } = useI18n()
    const team = useTeam()
    const inWidget = useChatWidget() !== null
    return (
      <section
        aria-label={t('chatWith', { team: team.name ?? t('defaultTeamName') })}
        {...rest}
        // Inside a widget the widget's root already carries the theme, direction and variables.
        className={classNames(!inWidget && 'tl-root', 'tl-panel', className)}
        dir={inWidget ? undefined : dir}
        lang={inWidget ? undefined : locale}
        data-theme={inWidget ? undefined : theme}
      >
        {children ?? (
          <>
            <Header />
            <ConnectionNotice />
            <ChatBody />
          </>
        )}
      </section>
    )
  },
)

/** The whole chat, inline in a page (a help centre, an account page). `ChatWidget` shows the same panel behind a launcher. */
export const ChatPanel = partWithRef(
  'ChatPanel',
  function ChatPanel({ team, locale, messages, ...rest }: ChatPanelProps) {
    const outerTeam = useTeam()
    const panel = <PanelRoot {...rest} />
    return (
      <LocaleProvider locale={locale} messages={messages}>
        {team ? <TeamContext.Provider value={{ ...outerTeam, ...team }}>{panel}</TeamContext.Provider> : panel}
      </LocaleProvider>
    )
  },
)

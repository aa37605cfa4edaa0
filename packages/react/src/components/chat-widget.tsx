import { useId, useMemo, useRef, type ComponentPropsWithRef, type KeyboardEvent, type ReactNode } from 'react'
import { useI18n } from '../i18n/i18n-context.js'
import type { Messages } from '../i18n/messages.js'
import { classNames } from '../parts/class-names.js'
import { composeEventHandlers } from '../parts/compose-event-handlers.js'
import { partWithRef } from '../parts/part-with-ref.js'
import { useControllableState } from '../parts/use-controllable-state.js'
import { useIsomorphicLayoutEffect } from '../parts/use-isomorphic-layout-effect.js'
import { useMergedRef } from '../parts/use-merged-ref.js'
import { useVisualViewport } from '../parts/use-visual-viewport.js'
import { LocaleProvider } from '../provider/locale-provider.js'
import { ChatPanel, type ChatPanelProps, type Theme } from './chat-panel.js'
import { ChatWidgetContext, type ChatWidgetContextValue } from './chat-widget-context.js'
import { Launcher, type LauncherProps } from './launcher.js'
import { TeamContext, useTeam, type Team } from './team.js'

export interface ChatWidgetProps extends ComponentPropsWithRef<'div'> {
  /** Controlled open state. */
  open?: boolean
  /** Initial open state when uncontrolled. Default false. */
  defaultOpen?: boolean
  onOpenChange?: (open: boolean) => void
  team?: Team
  locale?: string
  messages?: Partial<Messages>
  /** Forces a colour scheme; by default it follows `prefers-color-scheme`. */
  theme?: Theme
  launcherProps?: LauncherProps
  panelProps?: Omit<ChatPanelProps, 'children'>
  /** Replaces the panel's default content. */
  children?: ReactNode
}

const focusable =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]):not([hidden]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])'

function focusableIn(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>(focusable)).filter(
    (element) => !element.closest('[hidden], [inert]'),
  )
}

/**
 * A launcher bubble and, when open, the chat panel as a dialog: focus moves into it and stays there,
 * Esc closes it, and focus returns to the launcher. Full screen under 640 px, above the keyboard.
 */
export const ChatWidget = partWithRef(
  'ChatWidget',
  function ChatWidget({
    open: openProp,
    defaultOpen = false,
    onOpenChange,
    team,
    locale,
    messages,
    theme,
    launcherProps,
    panelProps = {},
    className,
    children,
    ...rest
  }: ChatWidgetProps) {
    const [open, setOpen] = useControllableState({ value: openProp, defaultValue: defaultOpen, onChange: onOpenChange })
    const panelId = `${useId()}-panel`
    const launcherRef = useRef<HTMLButtonElement | null>(null)
    const panel = useRef<HTMLElement | null>(null)
    const { ref: panelRef, onKeyDown, ...panelRest } = panelProps
    const mergedPanelRef = useMergedRef(panelRef, panel)
    const outerTeam = useTeam()
    const mergedTeam = useMemo(() => (team ? { ...outerTeam, ...team } : outerTeam), [outerTeam, team])
    const context = useMemo<ChatWidgetContextValue>(
      () => ({ open, setOpen, panelId, launcherRef }),
      [open, setOpen, panelId],
    )
    const wasOpen = useRef(open)

    useVisualViewport(panel, open)

    // A layout effect: focus moves in the same frame the panel appears or goes (and Preact runs plain effects late).
    useIsomorphicLayoutEffect(() => {
      const element = panel.current
      if (open && !wasOpen.current && element) {
        // Straight to where the customer types: the email, the code or the message box.
        const target =
          element.querySelector<HTMLElement>('input:not([type="hidden"]):not([hidden]), textarea') ??
          focusableIn(element)[0] ??
          element
        target.focus()
      }
      if (!open && wasOpen.current) {
        const active = document.activeElement
        // The panel and whatever had focus in it are gone; unless the customer moved on elsewhere, go back to the bubble.
        if (!active || active === document.body) launcherRef.current?.focus()
      }
      wasOpen.current = open
    }, [open])

    const handleKeyDown = (event: KeyboardEvent<HTMLElement>) => {
      if (event.key === 'Escape') {
        event.preventDefault()
        setOpen(false)
        launcherRef.current?.focus()
        return
      }
      if (event.key !== 'Tab' || !panel.current) return
      const items = focusableIn(panel.current)
      const first = items[0]
      const last = items.at(-1)
      if (!first || !last) {
        event.preventDefault()
        return
      }
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault()
        last.focus()
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault()
        first.focus()
      }
    }

    return (
      <LocaleProvider locale={locale} messages={messages}>
        <TeamContext.Provider value={mergedTeam}>
          <ChatWidgetContext.Provider value={context}>
            <WidgetRoot {...rest} theme={theme} open={open} className={className}>
              {open && (
                <ChatPanel
                  id={panelId}
                  role="dialog"
                  aria-modal="true"
                  tabIndex={-1}
                  {...panelRest}
                  ref={mergedPanelRef}
                  onKeyDown={composeEventHandlers(onKeyDown, handleKeyDown)}
                >
                  {children}
                </ChatPanel>
              )}
              <Launcher {...launcherProps} />
            </WidgetRoot>
          </ChatWidgetContext.Provider>
        </TeamContext.Provider>
      </LocaleProvider>
    )
  },
)

const WidgetRoot = partWithRef(
  'ChatWidgetRoot',
  function WidgetRoot({
    theme,
    open,
    className,
    ...rest
  }: ComponentPropsWithRef<'div'> & { theme: Theme | undefined; open: boolean }) {
    const { dir, locale } = useI18n()
    return (
      <div
        {...rest}
        className={classNames('tl-root', 'tl-widget', className)}
        dir={dir}
        lang={locale}
        data-theme={theme}
        data-state={open ? 'open' : 'closed'}
      />
    )
  },
)

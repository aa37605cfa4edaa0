import type { SVGProps } from 'react'

// Decorative only: every control that shows one also has a text name.
const base: SVGProps<SVGSVGElement> = {
  width: 20,
  height: 20,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
  focusable: false,
}

export const ChatIcon = () => (
  <svg {...base}>
    <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />
  </svg>
)

export const CloseIcon = () => (
  <svg {...base}>
    <path d="M6 6l12 12M18 6L6 18" />
  </svg>
)

export const SendIcon = () => (
  <svg {...base} className="tl-icon-flip">
    <path d="M4 12l16-8-6 16-2-6-8-2z" />
  </svg>
)

export const AttachIcon = () => (
  <svg {...base}>
    <path d="M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7" />
  </svg>
)

export const FileIcon = () => (
  <svg {...base}>
    <path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8z" />
    <path d="M14 3v5h5" />
  </svg>
)

export const TickIcon = () => (
  <svg {...base} viewBox="0 0 24 16" width={16} height={12}>
    <path d="M2 8l4 4 9-9" />
  </svg>
)

export const DoubleTickIcon = () => (
  <svg {...base} viewBox="0 0 24 16" width={18} height={12}>
    <path d="M1 8l4 4 9-9M10 12l1 0 9-9" />
  </svg>
)

export const ArrowDownIcon = () => (
  <svg {...base} width={16} height={16}>
    <path d="M12 5v14M5 12l7 7 7-7" />
  </svg>
)

export const MailIcon = () => (
  <svg {...base}>
    <path d="M4 6h16v12H4zM4 7l8 6 8-6" />
  </svg>
)

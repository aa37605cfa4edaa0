/**
 * The dialog's styles, adopted into its shadow root as a constructable stylesheet (a strict host CSP
 * with `style-src 'self'` allows it; a `<style>` element would need 'unsafe-inline').
 *
 * Every text is 16 px or more, so phones do not zoom and nothing is too small to read; buttons are
 * 44 px high (touch targets); logical properties (`inset-inline-end`, `margin-inline-end`) follow the
 * dialog's `dir`, so Arabic mirrors; the code itself stays left-to-right. Motion only for those who
 * have not asked to reduce it.
 */
export const identifyStyles = `\
dialog{box-sizing:border-box;width:min(440px,calc(100vw - 24px));max-height:calc(100vh - 24px);padding:24px;border:0;border-radius:12px;background:#fff;color:#1f2937;font:16px/1.5 system-ui,sans-serif;box-shadow:0 12px 40px #0006;overflow:auto}\
dialog::backdrop{background:#0009}\
h2{margin:0;margin-inline-end:48px;font-size:20px;line-height:1.3}\
p{margin:12px 0 0}\
button{box-sizing:border-box;min-height:44px;padding:0 16px;border-radius:8px;font:600 16px/1 system-ui,sans-serif;cursor:pointer}\
button:focus-visible{outline:3px solid #4f46e5;outline-offset:2px}\
.x{position:absolute;top:14px;inset-inline-end:14px;min-width:44px;padding:0;border:0;background:none;color:#4b5563;font-size:26px}\
.c{margin-top:20px;font:700 36px/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.12em;text-align:center;direction:ltr;unicode-bidi:isolate;user-select:all;-webkit-user-select:all}\
.t{margin-top:4px;text-align:center;color:#4b5563;font-variant-numeric:tabular-nums}\
.p{display:block;width:100%;margin-top:16px;border:0;background:#4f46e5;color:#fff}\
.s{min-height:24px;text-align:center;color:#047857;font-weight:600}\
.e{color:#b91c1c}\
.n{padding-top:12px;border-top:1px solid #e5e7eb;color:#4b5563}\
.r{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}\
[hidden]{display:none!important}\
@media (prefers-reduced-motion:no-preference){dialog[open]{animation:a .15s ease-out}@keyframes a{from{opacity:0;transform:translateY(8px)}}}`

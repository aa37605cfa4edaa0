/**
 * The hand-off between loader.js and the identification-code widget (`/widget/identify.js`), both
 * running in the host page. The loader appends `<script src="{chatOrigin}/widget/identify.js">`
 * once; the widget puts its entry point on that `<script>` element (`show`), not on `window`, and the
 * loader calls it on the script's `load` and on every later request.
 *
 * A tuple rather than an object: loader.js is on a 3 KB budget and property names cost bytes.
 */
export type IdentifyRequest = [
  /** Where the code is minted: the origin loader.js came from. */
  chatOrigin: string,
  workspaceId: string,
  /** The site's identity JWT, read again at each mint (a retry after `identify` uses the fresh one); undefined after `logout`. */
  identityToken: () => string | undefined,
  /** BCP 47: the launcher's language (boot `locale`, else `<html lang>`, else the browser's). */
  locale: string,
  /**
   * What gets focus back when the dialog closes: the clicked `[data-threadline-identify]` element;
   * anything else (a host's `showIdentificationCode` call passes nothing) means whatever has focus.
   */
  opener: unknown,
]

/** The widget's `<script>` element once identify.js has run. */
export interface IdentifyScript extends HTMLScriptElement {
  show?: (request: IdentifyRequest) => void
}

// The IIFE entry served as /widget/identify.js, loaded by loader.js on the first request for a code.
// It hands its entry point to the loader on its own <script> element: no global on the host page.
import type { IdentifyScript } from '../common/identify.js'
import { createIdentifyWidget } from './identify-widget.js'

const script = document.currentScript as IdentifyScript | null
if (script) script.show = createIdentifyWidget({ window }).show

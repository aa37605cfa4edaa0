// The IIFE entry served as /widget/loader.js. `document.currentScript` is only set while this runs.
import { install } from './install.js'

install({ window, script: document.currentScript })

// The Threadline stub in a file of the site's own, for pages whose CSP forbids inline script
// (`script-src 'self' <chat origin>`): commands queue until the loader arrives and replays them.
window.Threadline =
  window.Threadline ||
  function () {
    ;(window.Threadline.q = window.Threadline.q || []).push(arguments)
  }
window.Threadline('boot', {})

// The sign-in demo. The shop's "session" is a flag in its own localStorage (a real shop has a
// cookie); the chat's session is in the chat frame, which this page cannot read.
window.Threadline =
  window.Threadline ||
  function () {
    ;(window.Threadline.q = window.Threadline.q || []).push(arguments)
  }

const signedInFlag = 'kettle-and-co:signed-in'
const status = document.getElementById('account-status')
const signInButton = document.getElementById('sign-in')
const signOutButton = document.getElementById('sign-out')
// Holds the "Show my identification code" button: the loader handles its click (data-threadline-identify).
const identify = document.getElementById('identify')

/** Your backend signs who the signed-in user is; never sign in the browser (the secret would leak). */
async function fetchIdentityToken() {
  const response = await fetch('/api/identity-token', { method: 'POST' })
  if (!response.ok) throw new Error(`the shop answered ${response.status}`)
  const { identityToken } = await response.json()
  return identityToken
}

function render(signedIn) {
  status.textContent = signedIn
    ? 'Signed in as Ada Lovelace (ada@example.com). The chat knows who you are: no email code needed.'
    : 'Signed out. The chat asks for an email code.'
  signInButton.hidden = signedIn
  signOutButton.hidden = !signedIn
  // Only a signed-in user has an identity token to ask for a code with.
  identify.hidden = !signedIn
}

signInButton.addEventListener('click', async () => {
  signInButton.disabled = true
  try {
    const identityToken = await fetchIdentityToken()
    localStorage.setItem(signedInFlag, '1')
    window.Threadline('identify', { identityToken })
    render(true)
    signOutButton.focus()
  } catch (error) {
    status.textContent = `Could not sign in: ${error.message}`
  } finally {
    signInButton.disabled = false
  }
})

signOutButton.addEventListener('click', () => {
  localStorage.removeItem(signedInFlag)
  window.Threadline('logout')
  render(false)
  signInButton.focus()
})

// A signed-in visitor's page boots the chat with a fresh token, as a server-rendered page would.
if (localStorage.getItem(signedInFlag) === '1') {
  fetchIdentityToken().then(
    (identityToken) => {
      window.Threadline('boot', { identityToken })
      render(true)
    },
    () => {
      window.Threadline('boot', {})
      render(false)
    },
  )
} else {
  window.Threadline('boot', {})
  render(false)
}

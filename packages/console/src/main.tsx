import '@threadline/react/styles.css'
import './console.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.js'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
// Served by the chat server itself (`/console/`), so the API is this page's origin: relative URLs, no CORS.
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)

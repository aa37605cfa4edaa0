import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // The chat's parts are client components already; nothing to configure for @threadline/react.
  reactStrictMode: true,
}

export default nextConfig

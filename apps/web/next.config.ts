import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@aigrid/db', '@aigrid/workflows'],
  serverExternalPackages: ['@node-rs/argon2', 'pg'],
  typescript: { ignoreBuildErrors: true },
};

export default config;

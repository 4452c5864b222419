import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@aigrid/api', '@aigrid/db', '@aigrid/placement', '@aigrid/workflows'],
  serverExternalPackages: ['@node-rs/argon2', 'pg', 'highs'],
  typescript: { ignoreBuildErrors: true },
};

export default config;

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Node-only packages stay outside the server bundle.
  serverExternalPackages: ['@temporalio/client', '@temporalio/common', 'postgres', 'pino', 'prom-client'],
  poweredByHeader: false,
  typedRoutes: false,
  // The whole project (tests and scripts included) is type-checked by `npm run typecheck` in CI;
  // checking it again inside every `next build` doubles the build time on small machines.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;

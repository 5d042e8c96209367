import { describe, expect, it } from "vitest";
import { allowedHosts, contentSecurityPolicy, hostAllowed, parseHost } from "./guard";

describe("Host allowlist", () => {
  const local = allowedHosts({});

  it("accepts the local names on any port", () => {
    for (const h of ["localhost", "localhost:3000", "127.0.0.1:3202", "[::1]:80", "LOCALHOST:3000", "localhost.:3000"])
      expect(hostAllowed(h, local), h).toBe(true);
  });

  it("refuses other names (DNS rebinding), malformed and missing Host headers", () => {
    for (const h of ["evil.example:3000", "127.0.0.1.evil.example", "localhost@evil", "0.0.0.0:3000", "", "a b", "[::1"])
      expect(hostAllowed(h, local), h).toBe(false);
    expect(hostAllowed(null, local)).toBe(false);
  });

  it("adds ATLAS_ALLOWED_HOSTS: bare names on any port, host:port on that port only; * turns it off", () => {
    const allowed = allowedHosts({ ATLAS_ALLOWED_HOSTS: " atlas.lab.example , box:8080" });
    expect(hostAllowed("atlas.lab.example:443", allowed)).toBe(true);
    expect(hostAllowed("box:8080", allowed)).toBe(true);
    expect(hostAllowed("box:8081", allowed)).toBe(false);
    expect(hostAllowed("anything.example", allowedHosts({ ATLAS_ALLOWED_HOSTS: "*" }))).toBe(true);
  });

  it("parses names and ports", () => {
    expect(parseHost("[::1]:3000")).toEqual({ name: "[::1]", port: "3000" });
    expect(parseHost("Example.org")).toEqual({ name: "example.org", port: null });
    expect(parseHost("x:99999999")).toBeNull();
  });
});

describe("contentSecurityPolicy", () => {
  it("allows scripts only by nonce, forbids framing, and adds eval only in development", () => {
    const csp = contentSecurityPolicy("abc");
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(contentSecurityPolicy("abc", true)).toContain("'unsafe-eval'");
  });
});

import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import "./globals.css";

export const metadata: Metadata = {
  title: "Calibration Atlas",
  description: "How instruction-tuning changes the calibration of language models, language by language.",
};

const NAV = [
  { href: "/", label: "Heatmap" },
  { href: "/reliability", label: "Reliability" },
  { href: "/smoothing", label: "Smoothing (β)" },
  { href: "/results", label: "Results table" },
  { href: "/runs", label: "Runs" },
  // analysis views (issue 14)
  { href: "/averages", label: "Averages" },
  { href: "/resource-effect", label: "Δ vs resources" },
  { href: "/shifts", label: "Base → tuned" },
  { href: "/recalibration", label: "Recalibration" },
];

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Reading the request makes every page render per request, so each gets the nonce of its own
  // Content-Security-Policy (proxy.ts); a page prerendered at build time would carry none.
  await headers();
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            Calibration Atlas
          </Link>
          <nav>
            {NAV.map((n) => (
              <Link key={n.href} href={n.href}>
                {n.label}
              </Link>
            ))}
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}

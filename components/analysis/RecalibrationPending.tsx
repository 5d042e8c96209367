"use client";
/**
 * The /recalibration page's "computing…" state: polls GET /recalibration/status (which also restarts a computation
 * the queue refused) and reloads the server component once the result is ready or has failed. Waits as long as
 * Retry-After says when the compute queue is full. It keeps polling after a reload: a refresh can be dropped (a
 * navigation or prefetch in flight supersedes it), and the re-rendered page keeps this component mounted with the
 * same props while it still says "computing…", so polling only ends when the page has moved on (unmount).
 */
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

const POLL_MS = 1000;
/** How long a reload may take before it is asked for again. */
const REFRESH_RETRY_MS = 3000;

export function RecalibrationPending({ statusUrl, busy }: { statusUrl: string; busy: boolean }) {
  const router = useRouter();
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    const started = Date.now();
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      let wait = POLL_MS;
      try {
        const res = await fetch(statusUrl, { cache: "no-store" });
        if (stop) return;
        if (res.status !== 202 && res.status !== 503) {
          router.refresh();
          wait = REFRESH_RETRY_MS;
        } else if (res.status === 503) wait = Math.max(POLL_MS, 1000 * Number(res.headers.get("retry-after") ?? 1));
      } catch {
        // offline for a moment: try again next tick
      }
      setSeconds(Math.round((Date.now() - started) / 1000));
      if (!stop) timer = setTimeout(tick, wait);
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [statusUrl, router]);
  return (
    <div className="empty" data-testid="recal-pending" aria-live="polite">
      {busy ? "Waiting for a free compute thread…" : "Computing the recalibration (a large run takes about half a minute)…"}{" "}
      {seconds > 0 && `${seconds} s. `}This page updates by itself; reloading it is safe (the computation continues).
    </div>
  );
}

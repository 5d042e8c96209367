"use client";
/**
 * The /recalibration page's "computing…" state: polls GET /recalibration/status (which also restarts a computation
 * the queue refused) and reloads the server component once the result is ready or has failed. Waits as long as
 * Retry-After says when the compute queue is full.
 */
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

const POLL_MS = 1000;

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
        if (res.status !== 202 && res.status !== 503) return router.refresh();
        if (res.status === 503) wait = Math.max(POLL_MS, 1000 * Number(res.headers.get("retry-after") ?? 1));
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

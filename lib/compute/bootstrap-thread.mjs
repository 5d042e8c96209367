/**
 * The thread side of lib/compute/bootstrap-pool.ts: runs lib/calibration's pairedBootstrap off the web server's
 * event loop. Plain JavaScript, loaded by worker_threads as is (under next start, tsx or vitest alike); it loads
 * the TypeScript library through tsx's isolated tsImport, so nothing changes for other modules of the process.
 * Message { id, a, b, options } → { id, ok: true, value } or { id, ok: false, error }.
 */
import { parentPort } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

const calibration = tsImport("../calibration/bootstrap.ts", import.meta.url);

parentPort.on("message", async ({ id, a, b, options }) => {
  try {
    const { pairedBootstrap } = await calibration;
    parentPort.postMessage({ id, ok: true, value: pairedBootstrap(a, b, options) });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});

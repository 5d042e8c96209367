/**
 * The thread side of threaded-session.ts: owns one onnxruntime InferenceSession and runs it when asked.
 *
 * Why a thread: onnxruntime-node runs `session.run` synchronously on the calling thread (seen in CPU profiles), so
 * on the main thread nothing else — tokenising the next question, expanding a KV cache, writing predictions — can
 * happen during a forward pass. Here the passes run while the main thread prepares the next ones.
 *
 * Plain JavaScript on purpose: it is loaded by worker_threads as is, under tsx, vitest or plain node alike.
 * Messages (one at a time, in order):
 *   { op: "create", modelPath, options }          → { ok, io: { inputNames, outputNames, inputMetadata, outputMetadata } }
 *   { op: "run", feeds: {name: wire}, fetches }   → { ok, outputs: {name: wire}, ms }   (output buffers transferred)
 *   { op: "release" }                             → { ok }
 * where wire = { type, dims, data } (a typed array); failures answer { ok: false, error }.
 */
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";

const require = createRequire(import.meta.url);
const ort = require("onnxruntime-node");

let session = null;

const toTensor = (w) => new ort.Tensor(w.type, w.data, w.dims);

async function handle(msg) {
  if (msg.op === "create") {
    session = await ort.InferenceSession.create(msg.modelPath, msg.options);
    const meta = (list) => (list ?? []).map((m) => ({ ...m }));
    return {
      io: {
        inputNames: [...session.inputNames],
        outputNames: [...session.outputNames],
        inputMetadata: meta(session.inputMetadata),
        outputMetadata: meta(session.outputMetadata),
      },
    };
  }
  if (!session) throw new Error("no session: create it first");
  if (msg.op === "run") {
    const feeds = {};
    for (const [name, w] of Object.entries(msg.feeds)) feeds[name] = toTensor(w);
    const t = performance.now();
    const out = await session.run(feeds, msg.fetches);
    const ms = performance.now() - t;
    const outputs = {};
    const transfer = new Set();
    for (const [name, tensor] of Object.entries(out)) {
      outputs[name] = { type: tensor.type, dims: [...tensor.dims], data: tensor.data };
      transfer.add(tensor.data.buffer);
    }
    return { outputs, ms, transfer: [...transfer] };
  }
  if (msg.op === "release") {
    await session.release();
    session = null;
    return {};
  }
  throw new Error(`unknown op ${msg.op}`);
}

// One message at a time: onnxruntime runs a session's passes one after another anyway, and order is the contract.
let queue = Promise.resolve();
parentPort.on("message", (msg) => {
  queue = queue.then(async () => {
    try {
      const { transfer = [], ...reply } = await handle(msg);
      parentPort.postMessage({ id: msg.id, ok: true, ...reply }, transfer);
    } catch (e) {
      parentPort.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  });
});

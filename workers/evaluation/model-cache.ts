/** One loaded model per worker process (the last one used): loading an ONNX session is the slow part. */
import { loadModel, type LoadedModel } from "../model";

let cached: { folder: string; model: Promise<LoadedModel> } | null = null;

export async function modelFor(folder: string, log: (m: string) => void): Promise<LoadedModel> {
  if (cached?.folder !== folder) {
    const previous = cached;
    cached = { folder, model: loadModel(folder, { log }) as Promise<LoadedModel> };
    if (previous) await (await previous.model).dispose().catch(() => {});
  }
  return cached.model;
}

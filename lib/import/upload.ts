/**
 * Multipart uploads for POST /api/imports: the request body is streamed through busboy and each `file`
 * part straight into a temp file (never buffered whole), with the per-file size limit enforced while
 * streaming. Text fields are collected as strings for the caller to validate.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { AtlasError, badInput } from "../errors";
import { tooLarge } from "./limits";

export interface Upload {
  dir: string;
  files: { path: string; name: string }[];
  fields: Record<string, string>;
  /** Removes the temp files. */
  cleanup(): Promise<void>;
}

export async function receiveUpload(req: Request, maxFileBytes: number): Promise<Upload> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data"))
    throw badInput(`expected a multipart/form-data body`, { field: "file" });
  if (!req.body) throw badInput(`empty request body`, { field: "file" });
  const dir = await mkdtemp(path.join(tmpdir(), "atlas-upload-"));
  const upload: Upload = {
    dir,
    files: [],
    fields: {},
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  try {
    await parse(req, type, upload, maxFileBytes);
    return upload;
  } catch (e) {
    await upload.cleanup();
    throw e;
  }
}

function parse(req: Request, type: string, upload: Upload, maxFileBytes: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed: AtlasError | null = null;
    const writes: Promise<void>[] = [];
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: { "content-type": type },
        limits: { fileSize: maxFileBytes, files: 1000, fields: 100, fieldSize: 64 * 1024 },
      });
    } catch (e) {
      reject(badInput(`malformed multipart body: ${(e as Error).message}`, { field: "file" }));
      return;
    }
    const fail = (e: AtlasError) => {
      failed ??= e;
    };
    bb.on("file", (name, stream, info) => {
      if (name !== "file") {
        fail(badInput(`unexpected file part "${name}" (files go in "file" parts)`, { field: name }));
        stream.resume();
        return;
      }
      // The client's name matters (lm-eval task names, provenance) but never touches the file system.
      const display =
        path.basename((info.filename ?? "").replace(/\\/g, "/")) || `upload-${upload.files.length + 1}`;
      const target = path.join(upload.dir, `part-${upload.files.length}`);
      upload.files.push({ path: target, name: display });
      stream.on("limit", () =>
        fail(
          tooLarge(`file is over the ${maxFileBytes}-byte limit (ATLAS_IMPORT_MAX_BYTES)`, { file: display }),
        ),
      );
      writes.push(pipeline(stream, createWriteStream(target)));
    });
    bb.on("field", (name, value, info) => {
      if (info.valueTruncated) fail(badInput(`field value too long`, { field: name }));
      upload.fields[name] = value;
    });
    bb.on("filesLimit", () => fail(badInput(`too many files`, { field: "file" })));
    bb.on("fieldsLimit", () => fail(badInput(`too many fields`)));
    bb.on("error", (e: Error) => fail(badInput(`malformed multipart body: ${e.message}`, { field: "file" })));
    bb.on("close", () => {
      Promise.all(writes).then(
        () => (failed ? reject(failed) : resolve()),
        (e: Error) => reject(failed ?? e),
      );
    });
    const body = Readable.fromWeb(req.body as unknown as WebReadableStream<Uint8Array>);
    body.on("error", (e) => {
      fail(badInput(`upload interrupted: ${e.message}`, { field: "file" }));
      bb.destroy(e);
      reject(failed);
    });
    body.pipe(bb);
  });
}

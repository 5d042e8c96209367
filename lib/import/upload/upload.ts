/**
 * Multipart uploads for POST /api/imports: the request body is streamed through busboy and each `file` part
 * straight into a file under the upload's own directory (never buffered whole). Nothing is accepted before it is
 * known to be wanted:
 *  - the form fields must come before the files: they are checked (`checkFields`) when the first file part
 *    starts, so a bad field is refused before any file body is written, and a field after a file is refused;
 *  - the per-file, file-count and total limits (upload-limits.ts) are enforced while streaming, and a declared
 *    Content-Length over the total is refused before reading anything.
 * On any refusal reading stops at once, and the directory is removed.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { AtlasError, badInput } from "../../errors";
import { tooLarge } from "../limits";
import { LIMIT_VARIABLES, type UploadLimits } from "./upload-limits";

export interface UploadedFile {
  path: string;
  /** The client's file name (base name only): lm-eval task names and provenance depend on it. */
  name: string;
  bytes: number;
}

export interface Upload {
  dir: string;
  files: UploadedFile[];
  fields: Record<string, string>;
  /** Removes the directory and its files. */
  cleanup(): Promise<void>;
}

export interface UploadOptions {
  /** Directory for this upload's files (created here, removed on failure). */
  dir: string;
  limits: UploadLimits;
  /** Validates the fields received so far; throws an AtlasError to refuse the upload before any file body. */
  checkFields?: (fields: Record<string, string>) => void;
}

export async function receiveUpload(req: Request, opts: UploadOptions): Promise<Upload> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data"))
    throw badInput(`expected a multipart/form-data body`, { field: "file" });
  if (!req.body) throw badInput(`empty request body`, { field: "file" });
  declaredSize(req, opts.limits);
  await mkdir(opts.dir, { recursive: true, mode: 0o755 });
  const upload: Upload = {
    dir: opts.dir,
    files: [],
    fields: {},
    cleanup: () => rm(opts.dir, { recursive: true, force: true }),
  };
  try {
    await parse(req.body, type, upload, opts);
    return upload;
  } catch (e) {
    await upload.cleanup();
    throw e;
  }
}

/** The request's Content-Length (0 when absent); refused (413) over the total limit before anything is read. */
export function declaredSize(req: Request, limits: UploadLimits): number {
  const declared = Number(req.headers.get("content-length") ?? 0) || 0;
  if (declared > limits.maxTotalBytes) throw overTotal(limits);
  return declared;
}

const overTotal = (l: UploadLimits) =>
  tooLarge(
    `the upload is over the ${l.maxTotalBytes}-byte limit of one request (${LIMIT_VARIABLES.maxTotalBytes})`,
  );

function parse(
  source: ReadableStream<Uint8Array>,
  type: string,
  upload: Upload,
  { limits, checkFields }: UploadOptions,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let fieldsChecked = false;
    let total = 0;
    const writes: Promise<void>[] = [];
    const parts: Readable[] = [];
    const body = Readable.fromWeb(source as unknown as WebReadableStream<Uint8Array>);
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: { "content-type": type },
        // Browsers, curl and undici send file names as raw UTF-8 (busboy's default, latin1, turns "é" into "Ã©").
        defParamCharset: "utf8",
        limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 100, fieldSize: 64 * 1024 },
      });
    } catch (e) {
      reject(badInput(`malformed multipart body: ${(e as Error).message}`, { field: "file" }));
      return;
    }
    // The first refusal wins: stop reading the body, let open files close, then reject (the caller removes them).
    const fail = (e: AtlasError) => {
      if (settled) return;
      settled = true;
      body.unpipe(bb);
      body.destroy();
      bb.removeAllListeners("file");
      for (const p of parts) p.destroy(); // ends their pipelines (a file part never ends once the body stops)
      void Promise.allSettled(writes).then(() => reject(e));
    };
    bb.on("file", (name, stream, info) => {
      if (settled) return void stream.resume();
      if (name !== "file") {
        stream.resume();
        return fail(badInput(`unexpected file part "${name}" (files go in "file" parts)`, { field: name }));
      }
      if (!fieldsChecked) {
        fieldsChecked = true;
        try {
          checkFields?.(upload.fields);
        } catch (e) {
          stream.resume();
          return fail(e instanceof AtlasError ? e : badInput((e as Error).message));
        }
      }
      // The client's name never touches the file system.
      const display =
        path.basename((info.filename ?? "").replace(/\\/g, "/")) || `upload-${upload.files.length + 1}`;
      const file: UploadedFile = {
        path: path.join(upload.dir, `part-${upload.files.length}`),
        name: display,
        bytes: 0,
      };
      upload.files.push(file);
      parts.push(stream);
      stream.on("data", (chunk: Buffer) => {
        file.bytes += chunk.length;
        total += chunk.length;
        if (total > limits.maxTotalBytes) fail(overTotal(limits));
      });
      stream.on("limit", () =>
        fail(
          tooLarge(
            `file is over the ${limits.maxFileBytes}-byte limit (${LIMIT_VARIABLES.maxFileBytes}, ATLAS_IMPORT_MAX_BYTES)`,
            { file: display },
          ),
        ),
      );
      writes.push(
        pipeline(stream, createWriteStream(file.path, { mode: 0o644 })).catch((e: Error) =>
          fail(badInput(`upload interrupted: ${e.message}`, { file: display })),
        ),
      );
    });
    bb.on("field", (name, value, info) => {
      if (settled) return;
      if (fieldsChecked)
        return fail(
          badInput(`field "${name}" comes after a file: send every form field before the files`, {
            field: name,
          }),
        );
      if (info.valueTruncated) return fail(badInput(`field value too long`, { field: name }));
      upload.fields[name] = value;
    });
    bb.on("filesLimit", () =>
      fail(tooLarge(`more than ${limits.maxFiles} files in one upload (${LIMIT_VARIABLES.maxFiles})`)),
    );
    bb.on("fieldsLimit", () => fail(badInput(`too many fields`)));
    bb.on("error", (e: Error) => fail(badInput(`malformed multipart body: ${e.message}`, { field: "file" })));
    bb.on("close", () => {
      void Promise.all(writes).then(() => {
        if (settled) return;
        settled = true;
        resolve();
      });
    });
    body.on("error", (e) => fail(badInput(`upload interrupted: ${e.message}`, { field: "file" })));
    body.pipe(bb);
  });
}

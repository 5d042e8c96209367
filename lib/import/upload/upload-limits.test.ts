import { describe, expect, it } from "vitest";
import { preferredWait } from "./api-job";
import { uploadLimits } from "./upload-limits";

describe("upload limits", () => {
  it("defaults: 2 GiB a file, 64 files, 4 GiB a request, 1 GiB kept free", () => {
    expect(uploadLimits({})).toEqual({
      maxFileBytes: 2 * 1024 ** 3,
      maxFiles: 64,
      maxTotalBytes: 4 * 1024 ** 3,
      minFreeBytes: 1024 ** 3,
    });
  });

  it("reads the variables; the importer's own file limit caps the per-file one", () => {
    const l = uploadLimits({
      ATLAS_UPLOAD_MAX_FILE_BYTES: "1000",
      ATLAS_UPLOAD_MAX_FILES: "3",
      ATLAS_UPLOAD_MAX_TOTAL_BYTES: "5000",
      ATLAS_UPLOAD_MIN_FREE_BYTES: "0",
    });
    expect(l).toEqual({ maxFileBytes: 1000, maxFiles: 3, maxTotalBytes: 5000, minFreeBytes: 0 });
    expect(uploadLimits({ ATLAS_IMPORT_MAX_BYTES: "64" }).maxFileBytes).toBe(64);
  });

  it("refuses a malformed value, naming the variable", () => {
    expect(() => uploadLimits({ ATLAS_UPLOAD_MAX_FILES: "0" })).toThrow(
      /ATLAS_UPLOAD_MAX_FILES must be an integer ≥ 1/,
    );
    expect(() => uploadLimits({ ATLAS_UPLOAD_MAX_TOTAL_BYTES: "4GB" })).toThrow(
      /ATLAS_UPLOAD_MAX_TOTAL_BYTES/,
    );
  });
});

describe("Prefer: wait", () => {
  it("reads wait=N among other preferences, capped at 60 s; 0 when absent or malformed", () => {
    expect(preferredWait(null)).toBe(0);
    expect(preferredWait("wait=10")).toBe(10);
    expect(preferredWait("respond-async, wait=5")).toBe(5);
    expect(preferredWait("handling=strict; wait = 7")).toBe(7);
    expect(preferredWait("wait=3600")).toBe(60);
    expect(preferredWait("wait=abc")).toBe(0);
    expect(preferredWait("nowait=5")).toBe(0);
  });
});

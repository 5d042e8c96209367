import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AtlasError } from "../../lib/errors";
import { modelsDirFromEnv, resolveModelFolder } from "./paths";
import { loadModel } from ".";

let root: string;
let models: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "atlas-models-"));
  models = path.join(root, "models");
  mkdirSync(path.join(models, "good", "onnx"), { recursive: true });
  mkdirSync(path.join(root, "outside"), { recursive: true });
  writeFileSync(path.join(root, "outside", "config.json"), "{}");
  symlinkSync(path.join(root, "outside"), path.join(models, "escape-link"));
  symlinkSync(path.join(models, "good"), path.join(models, "inside-link"));
  // A folder inside whose config.json points outside.
  mkdirSync(path.join(models, "file-link"));
  symlinkSync(path.join(root, "outside", "config.json"), path.join(models, "file-link", "config.json"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return e instanceof AtlasError ? `${e.code}: ${e.message}` : String(e);
  }
  return "no error";
};

describe("resolveModelFolder", () => {
  it("accepts folders inside the models directory, by relative or absolute path and through inner symlinks", () => {
    expect(resolveModelFolder("good", models)).toBe(path.join(models, "good"));
    expect(resolveModelFolder(path.join(models, "good"), models)).toBe(path.join(models, "good"));
    expect(resolveModelFolder("inside-link", models)).toBe(path.join(models, "good"));
    expect(resolveModelFolder("good/onnx/..", models)).toBe(path.join(models, "good"));
  });

  it.each([
    ["../outside", "outside the models directory"],
    ["good/../../outside", "outside the models directory"],
    ["/etc", "outside the models directory"],
    ["escape-link", "a symlink?"],
    ["missing", "model folder does not exist"],
    ["", "empty or invalid"],
  ])("rejects %j", (folder, message) => {
    const got = code(() => resolveModelFolder(folder, models));
    expect(got).toMatch(/^BAD_INPUT: /);
    expect(got).toContain(message);
  });

  it("rejects a model file that is a symlink to outside the models directory", async () => {
    await expect(loadModel("file-link", { modelsDir: models, log: () => {} })).rejects.toThrow(/config\.json .*outside the models directory/);
  });

  it("defaults to <repo>/models and reads ATLAS_MODELS_DIR relative to the repository", () => {
    const repo = path.resolve(__dirname, "../..");
    expect(modelsDirFromEnv({})).toBe(path.join(repo, "models"));
    expect(modelsDirFromEnv({ ATLAS_MODELS_DIR: "tests/fixtures/models" })).toBe(path.join(repo, "tests/fixtures/models"));
    expect(modelsDirFromEnv({ ATLAS_MODELS_DIR: "/srv/models" })).toBe("/srv/models");
  });
});

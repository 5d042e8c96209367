/** Rewrites .env.example and the variable table of docs/configuration.md from lib/env.ts (`npm run env:docs`). */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { renderEnvExample, withEnvTable } from "../lib/env-docs";

const root = path.resolve(import.meta.dirname, "..");
writeFileSync(path.join(root, ".env.example"), renderEnvExample());
const doc = path.join(root, "docs/configuration.md");
writeFileSync(doc, withEnvTable(readFileSync(doc, "utf8")));
console.error("wrote .env.example and docs/configuration.md");

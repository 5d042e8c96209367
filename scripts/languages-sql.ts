/** Prints the SQL of the languages data migration from lib/languages.ts. */
import { LANGUAGES } from "../lib/languages";

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
console.log("-- Languages of GlobalMMLU and MMLU-ProX (lib/languages.ts; resource classes: Joshi et al. 2020)");
console.log('INSERT INTO "Language" ("code", "name", "script", "resourceClass") VALUES');
console.log(LANGUAGES.map((l) => `  (${q(l.code)}, ${q(l.name)}, ${q(l.script)}, ${l.resourceClass})`).join(",\n"));
console.log('ON CONFLICT ("code") DO UPDATE SET "name" = EXCLUDED."name", "script" = EXCLUDED."script", "resourceClass" = EXCLUDED."resourceClass";');

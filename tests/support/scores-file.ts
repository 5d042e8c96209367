/**
 * A JSONL scores file for import tests: `n` questions (q0…) per language, 4 options, gold i mod 4; `skill` adds to the
 * right option's raw score before normalising (higher: more accurate and confident); a fixed LCG from `seed`, so the
 * same arguments write the same file.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";

export function writeScoresFile(
  dir: string,
  name: string,
  opts: { skill: number; seed: number; n: number; languages: string[] },
): string {
  let x = opts.seed;
  const rand = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines: string[] = [];
  for (const language of opts.languages)
    for (let i = 0; i < opts.n; i++) {
      const label = i % 4;
      const raw = [0, 1, 2, 3].map((k) => rand() + (k === label ? opts.skill : 0));
      const sum = raw.reduce((a, b) => a + b, 0);
      lines.push(JSON.stringify({ id: `q${i}`, language, probs: raw.map((v) => v / sum), label }));
    }
  const file = path.join(dir, `${name}.jsonl`);
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

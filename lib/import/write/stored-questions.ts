/**
 * The questions one benchmark already stores in one language, loaded into memory for the import's direct path
 * (direct-path.ts): external id → question id, with the option count and gold label for clash checks, and where
 * each question was first seen in this import (duplicate ids).
 *
 * Read with COPY … TO STDOUT (text format): plain lines, cut here, instead of one row object per question from the
 * driver. Memory: the Map and its keys; bench:ingest's import over 1M stored questions peaked at 374–405 MB RSS
 * (242–265 MB for the staging path).
 */
import { StringDecoder } from "node:string_decoder";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";

/**
 * One language's questions as the import sees them: the stored ones, loaded first, and the ones this import creates,
 * appended as their rows arrive (`add`). An external id's index k addresses every array.
 */
export class StoredQuestions {
  /** External id → index into the arrays below. */
  readonly index = new Map<string, number>();
  readonly ids: number[] = [];
  readonly optionCounts: number[] = [];
  /** Gold index, or -1 when the question has none. */
  readonly golds: number[] = [];
  /** Where this import first used the question: file index + 1 (0: not yet), and line. */
  readonly firstFile: number[] = [];
  readonly firstLine: number[] = [];
  /** How many of the entries were stored before the import (the rest are new). */
  stored = 0;

  /** Appends a question (id 0 until one is assigned); returns its index. */
  add(externalId: string, id: number, optionCount: number, gold: number): number {
    const k = this.ids.length;
    this.index.set(externalId, k);
    this.ids.push(id);
    this.optionCounts.push(optionCount);
    this.golds.push(gold);
    this.firstFile.push(0);
    this.firstLine.push(0);
    return k;
  }
}

/** Undoes COPY text-format escaping (COPY TO emits only these: \\ \b \f \n \r \t \v). */
const UNESCAPE: Record<string, string> = { "\\": "\\", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };
export function copyUnescape(s: string): string {
  return s.includes("\\") ? s.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c) : s;
}

export async function loadStoredQuestions(
  client: pg.ClientBase,
  benchmarkId: number,
  language: string,
): Promise<StoredQuestions> {
  const q = new StoredQuestions();
  // Called once per stored question (1M for a large benchmark): fields found with indexOf, not split.
  const add = (line: string) => {
    const a = line.indexOf("\t");
    const b = line.indexOf("\t", a + 1);
    const c = line.indexOf("\t", b + 1);
    q.add(copyUnescape(line.slice(0, a)), +line.slice(a + 1, b), +line.slice(b + 1, c), +line.slice(c + 1));
  };
  // COPY takes no bind parameters: the id is an integer by construction and the language goes through pg's
  // escapeLiteral (which also handles backslashes, unlike doubling quotes by hand).
  if (!Number.isSafeInteger(benchmarkId)) throw new Error(`benchmark id ${benchmarkId} is not an integer`);
  const stream = client.query(
    copyTo(
      `COPY (SELECT "externalId", "id", "optionCount", coalesce("gold", -1) FROM "Question"
              WHERE "benchmarkId" = ${benchmarkId} AND "languageCode" = ${pg.escapeLiteral(language)}) TO STDOUT`,
    ),
  );
  // The stream ends at CopyDone, before the server's ReadyForQuery: the next query on this client must wait for that
  // (pg would queue it, a deprecated use), so hook the moment pg hands the connection back.
  const hooks = stream as unknown as { handleReadyForQuery(): void };
  const ready = new Promise<void>((resolve) => {
    const base = hooks.handleReadyForQuery.bind(stream);
    hooks.handleReadyForQuery = () => {
      base();
      resolve();
    };
  });
  // Chunks hold several rows and may cut one: lines are cut at newlines.
  const decoder = new StringDecoder("utf8");
  let carry = "";
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = carry + decoder.write(chunk);
    const lines = text.split("\n");
    carry = lines.pop() ?? "";
    for (const l of lines) add(l);
  }
  carry += decoder.end();
  if (carry) add(carry);
  await ready;
  q.stored = q.ids.length;
  return q;
}

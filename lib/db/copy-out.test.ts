import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { copyOut } from "./copy-out";

/** A backend message: code, int32 length (itself included), payload. */
function message(code: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.write(code, 0, "latin1");
  head.writeInt32BE(payload.length + 4, 1);
  return Buffer.concat([head, payload]);
}

/** A pg client whose connection is an event emitter: what reaches pg's own data handler, and the query sent. */
function fakeClient() {
  const toPg: Buffer[] = [];
  const stream = new EventEmitter();
  stream.on("data", (b: Buffer) => toPg.push(Buffer.from(b)));
  const sent: string[] = [];
  let query: { handleReadyForQuery(): void; handleError(e: unknown): void } | null = null;
  const client = {
    query(q: { submit(c: unknown): Error | void; handleReadyForQuery(): void; handleError(e: unknown): void }) {
      query = q;
      // As pg does: an Error that submit returns goes to handleError.
      const refused = q.submit({ stream, query: (text: string) => sent.push(text) });
      if (refused) q.handleError(refused);
      return q;
    },
  };
  return { client, stream, toPg, sent, ready: () => query!.handleReadyForQuery(), fail: (e: unknown) => query!.handleError(e) };
}

const rows = [Buffer.from("first row"), Buffer.alloc(0), Buffer.from("a longer second row with ✓ in it"), Buffer.from([0, 1, 2, 255])];
const afterCopy = Buffer.concat([message("C", Buffer.from("COPY 4\0")), message("Z", Buffer.from("I"))]);
const wire = Buffer.concat([
  message("H", Buffer.from([1, 0, 0])),
  message("d", rows[0]),
  message("N", Buffer.from("a notice")),
  message("d", rows[1]),
  message("S", Buffer.from("x\0y\0")),
  message("d", rows[2]),
  message("d", rows[3]),
  message("c"),
  afterCopy,
]);

async function run(chunks: Buffer[]) {
  const f = fakeClient();
  const got: Buffer[] = [];
  const done = copyOut(f.client as never, "COPY t TO STDOUT", (buf, start, end) => got.push(Buffer.from(buf.subarray(start, end))));
  for (const c of chunks) f.stream.emit("data", c);
  f.ready();
  await done;
  return { data: Buffer.concat(got), toPg: Buffer.concat(f.toPg), sent: f.sent, listeners: f.stream.listenerCount("data") };
}

describe("copyOut", () => {
  it("hands on the CopyData bytes and gives pg the rest, wherever the socket's chunks are cut", async () => {
    for (let cut = 0; cut <= wire.length; cut++) {
      const r = await run([wire.subarray(0, cut), wire.subarray(cut)]);
      expect(r.data.equals(Buffer.concat(rows)), `cut at ${cut}`).toBe(true);
      expect(r.toPg.equals(afterCopy), `cut at ${cut}`).toBe(true);
      expect(r.listeners).toBe(1); // pg's handler, back in place
    }
    const bytewise = await run([...wire].map((b) => Buffer.from([b])));
    expect(bytewise.data.equals(Buffer.concat(rows))).toBe(true);
    expect(bytewise.sent).toEqual(["COPY t TO STDOUT"]);
  });

  it("gives pg an error the server sends instead of the COPY, and rejects with what pg makes of it", async () => {
    const f = fakeClient();
    const done = copyOut(f.client as never, "COPY nope TO STDOUT", () => undefined);
    const error = Buffer.concat([message("E", Buffer.from("SERROR\0Mrelation does not exist\0\0")), message("Z", Buffer.from("I"))]);
    f.stream.emit("data", error);
    expect(Buffer.concat(f.toPg).equals(error)).toBe(true);
    f.fail(new Error("relation does not exist"));
    await expect(done).rejects.toThrow(/relation does not exist/);
  });

  it("refuses to start, sending nothing, when the socket has other data handlers than pg's", async () => {
    const f = fakeClient();
    f.stream.on("data", () => undefined);
    await expect(copyOut(f.client as never, "COPY t TO STDOUT", () => undefined)).rejects.toThrow(/one socket data handler, found 2/);
    expect(f.sent).toEqual([]);
    expect(f.stream.listenerCount("data")).toBe(2);
  });

  it("reads a COPY to its end when onData throws, then rejects with that error", async () => {
    const f = fakeClient();
    let calls = 0;
    const done = copyOut(f.client as never, "COPY t TO STDOUT", () => {
      calls++;
      throw new Error("not a binary COPY stream");
    });
    f.stream.emit("data", wire);
    expect(calls).toBe(1);
    expect(Buffer.concat(f.toPg).equals(afterCopy)).toBe(true);
    f.ready();
    await expect(done).rejects.toThrow(/not a binary COPY stream/);
  });
});

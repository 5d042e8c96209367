/**
 * `COPY … TO STDOUT` read straight off the connection's socket: the bytes of every CopyData message are handed on as
 * ranges of the socket's chunks, with no object per message. pg (pg-protocol) and pg-copy-streams both slice a Buffer
 * out per message, and a COPY sends a message per row: loading ten languages of 100k stored questions allocated
 * ~120 MB of those and spent ~170 ms of Node's CPU on them (bench:ingest, the import of stored questions).
 *
 * While the COPY runs this query takes the socket's data events from pg's parser (as pg-copy-streams does) and reads
 * the backend's messages itself (PostgreSQL docs, "Message Formats"): CopyOutResponse, NoticeResponse, ParameterStatus
 * and NotificationResponse are skipped, CopyData goes to onData, and at CopyDone — or any other message, such as an
 * ErrorResponse — the socket goes back to pg with the bytes from there on, so pg handles the command's end and errors
 * as for any query (handleError rejects, handleReadyForQuery resolves).
 */
import type pg from "pg";

const COPY_DATA = 0x64; // d
const COPY_DONE = 0x63; // c
/** Messages a backend may send during a COPY that it does not answer: CopyOutResponse, notices, parameters, NOTIFY. */
const SKIPPED = new Set([0x48, 0x4e, 0x53, 0x41]); // H N S A

interface Connection {
  stream: NodeJS.EventEmitter;
  query(text: string): void;
}

type DataHandler = (buf: Buffer) => void;

class CopyOutQuery {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (e: unknown) => void;
  private connection: Connection | null = null;
  private pgHandler: DataHandler | null = null;
  /** Bytes of a message header cut by a chunk boundary. */
  private carry: Buffer | null = null;
  /** Bytes of the current message still to come, and whether they are CopyData (else skipped). */
  private remaining = 0;
  private inData = false;
  /** The first error onData threw: the query rejects with it once the connection is ready again. */
  private failure: unknown = null;
  private readonly onSocketData = (chunk: Buffer) => this.read(chunk);

  constructor(
    readonly text: string,
    private readonly onData: (buf: Buffer, start: number, end: number) => void,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Called by pg when the query's turn comes; an Error returned goes to handleError (pg's contract for submit). */
  submit(connection: Connection): Error | void {
    const stream = connection.stream;
    const handlers = stream.listeners("data") as DataHandler[];
    if (handlers.length !== 1) return new Error(`expected pg's one socket data handler, found ${handlers.length}`);
    this.connection = connection;
    this.pgHandler = handlers[0];
    stream.removeListener("data", this.pgHandler);
    stream.on("data", this.onSocketData);
    connection.query(this.text);
  }

  private read(chunk: Buffer): void {
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    let pos = 0;
    while (pos < buf.length) {
      if (this.remaining > 0) {
        const end = Math.min(buf.length, pos + this.remaining);
        if (this.inData && this.failure === null) {
          // onData refused the bytes (say, not a binary COPY stream): the rest of the COPY is read and dropped, and
          // the query fails with that error once the connection is ready again.
          try {
            this.onData(buf, pos, end);
          } catch (e) {
            this.failure = e;
          }
        }
        this.remaining -= end - pos;
        pos = end;
        continue;
      }
      if (buf.length - pos < 5) {
        this.carry = Buffer.from(buf.subarray(pos));
        return;
      }
      const code = buf[pos];
      const length = buf.readInt32BE(pos + 1) - 4;
      if (code === COPY_DATA || SKIPPED.has(code)) {
        pos += 5;
        this.remaining = length;
        this.inData = code === COPY_DATA;
        continue;
      }
      // CopyDone is the COPY's own; from the next message on (CommandComplete, ReadyForQuery), and from any other
      // message (an ErrorResponse), pg reads.
      if (code === COPY_DONE) pos += 5 + length;
      this.detach(buf.subarray(pos));
      return;
    }
  }

  private detach(rest: Buffer): void {
    const connection = this.connection!;
    connection.stream.removeListener("data", this.onSocketData);
    connection.stream.on("data", this.pgHandler!);
    if (rest.length > 0) this.pgHandler!(rest);
  }

  handleError(err: unknown): void {
    // The connection failed or the server refused the COPY: the socket is pg's again (if it still matters).
    if (this.connection && this.connection.stream.listeners("data").includes(this.onSocketData)) this.detach(Buffer.alloc(0));
    this.reject(err);
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    if (this.failure) this.reject(this.failure);
    else this.resolve();
  }
}

/**
 * Runs a `COPY … TO STDOUT` on the client and hands the data, as it arrives, to onData as ranges of buffers it must
 * not keep (they are the socket's chunks). Resolves once the server's ReadyForQuery has come, so the connection is free
 * for the next query; rejects with the server's error, or with the first error onData threw.
 */
export function copyOut(client: pg.ClientBase, sql: string, onData: (buf: Buffer, start: number, end: number) => void): Promise<void> {
  const q = new CopyOutQuery(sql, onData);
  void client.query(q as never);
  return q.done;
}

import { describe, expect, it } from "vitest";
import { diskFullMessage, isDatabaseUnavailable, isDiskFull, unavailableMessage } from "./unavailable";

describe("isDatabaseUnavailable", () => {
  it("recognises lost or refused connections and server shutdowns", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("the database system is starting up"), { code: "57P03" }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]))).toBe(true);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: Object.assign(new Error("y"), { code: "08006" }) }))).toBe(true);
  });
  it("does not mistake query errors for it", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("file.jsonl:3: bad probs"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
  it("says what happened and what to do", () => {
    expect(unavailableMessage(new Error("Connection terminated unexpectedly"), "the import")).toMatch(
      /database became unavailable during the import \(Connection terminated unexpectedly\)\. The transaction in progress was rolled back, so nothing is half-written; run it again/,
    );
  });
});

describe("isDiskFull", () => {
  it("recognises the server's disk_full and a local ENOSPC, and nothing else", () => {
    expect(isDiskFull(Object.assign(new Error("could not extend file"), { code: "53100" }))).toBe(true);
    expect(isDiskFull(new Error("x", { cause: Object.assign(new Error("no space"), { code: "ENOSPC" }) }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(diskFullMessage(new Error("could not extend file"), "calib import")).toMatch(/^out of disk space during calib import \(could not extend file\)\. The transaction in progress was rolled back/);
  });
});

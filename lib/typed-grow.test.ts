import { describe, expect, it } from "vitest";
import { grown } from "./typed-grow";

describe("grown", () => {
  it("returns the array itself when it has room", () => {
    const a = new Int32Array(4);
    expect(grown(a, 4)).toBe(a);
  });

  it("doubles at least, keeps the values and the element type", () => {
    const a = Float64Array.of(1.5, -2, 3);
    const b = grown(a, 4);
    expect(b).toBeInstanceOf(Float64Array);
    expect(b.length).toBe(6);
    expect(Array.from(b)).toEqual([1.5, -2, 3, 0, 0, 0]);
    expect(grown(Int8Array.of(-1), 10)).toEqual(Int8Array.of(-1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  });
});

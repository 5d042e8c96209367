import { describe, expect, it } from "vitest";
import { Rng } from "../../../calibration/prng";
import { SCAN_KEYS, scannedLine, scanScoresLine, scanScoresRange } from "./scores-line-scan";

/** The scan's object equals JSON.parse's: same keys given, numbers bit for bit (-0 included). */
function expectSameAsJsonParse(text: string): void {
  const o = scannedLine();
  expect(scanScoresLine(text, o), text).toBe(true);
  const parsed = JSON.parse(text) as Record<string, unknown>;
  for (const k of SCAN_KEYS) {
    const a = o[k];
    const b = parsed[k];
    if (Array.isArray(b)) {
      expect(Array.isArray(a), `${text}: ${k}`).toBe(true);
      expect((a as number[]).length).toBe(b.length);
      (a as number[]).forEach((x, i) => expect(Object.is(x, b[i]), `${text}: ${k}[${i}] ${x} vs ${b[i]}`).toBe(true));
    } else expect(Object.is(a, b), `${text}: ${k} ${String(a)} vs ${String(b)}`).toBe(true);
  }
}

/** Numbers as files write them: shortest round trip, fixed decimals, exponents, long digit strings. */
function numberTexts(rng: Rng, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const x = (rng.nextFloat() - 0.2) * 10 ** Math.floor(rng.nextFloat() * 12 - 8);
    switch (i % 6) {
      case 0:
        out.push(String(x));
        break;
      case 1:
        out.push(x.toFixed(Math.floor(rng.nextFloat() * 21)));
        break;
      case 2:
        out.push(x.toExponential(Math.floor(rng.nextFloat() * 18)).replace("e+", i % 4 ? "E+" : "e"));
        break;
      case 3:
        out.push(x.toPrecision(15 + Math.floor(rng.nextFloat() * 7)));
        break;
      case 4:
        // 15–17 significant digits around the fast path's edge, and long zero runs
        out.push(`0.${"0".repeat(Math.floor(rng.nextFloat() * 8))}${Math.floor(rng.nextFloat() * 1e16)}`);
        break;
      default:
        out.push(String(Math.floor((rng.nextFloat() - 0.5) * 2 ** (1 + Math.floor(rng.nextFloat() * 60)))));
    }
  }
  return out.filter((t) => !/^-?\d+\.$/.test(t)); // toFixed(0) of an integer part with "." never occurs; keep JSON
}

describe("scanScoresLine", () => {
  it("reads the common line as JSON.parse does", () => {
    expectSameAsJsonParse(`{"id":"q1","language":"de","probs":[0.1,0.7,0.1,0.1],"label":1}`);
    expectSameAsJsonParse(` { "id" : "abstract_algebra/test/0" ,"lang":"sw", "logprobs" : [ -2.91 , -0.53,-1.87, -2.4 ] , "gold": 3 } `);
    expectSameAsJsonParse(`{"question_id":17,"language":"ja","logits":[],"answer":"B","subject":"日本語 ✓","src":"ori_mmlu"}`);
    expectSameAsJsonParse(`{"id":"x","probs":[-0,0,0.0,-0.0,1e-7,1E+2,5e-324,1.7976931348623157e308],"label":0}`);
    expectSameAsJsonParse(`{}`);
    expectSameAsJsonParse(`{"id":"q","probs":[0.12345678901234567890123,123456789012345678901234567890,0.000000000000000000000001]}`);
  });

  it("reads every number of 3,000 generated ones bit for bit as JSON.parse does", () => {
    const rng = new Rng(7);
    const texts = numberTexts(rng, 3000);
    for (let i = 0; i < texts.length; i += 4) expectSameAsJsonParse(`{"id":"q${i}","probs":[${texts.slice(i, i + 4).join(",")}],"label":${i % 4}}`);
  });

  it("reads random key orders, subsets and whitespace as JSON.parse does", () => {
    const rng = new Rng(11);
    const ws = ["", " ", "\t", "  ", "\r"];
    const values = [`"q"`, `"de"`, `"a b/c-d"`, `3`, `-1.5`, `[0.25,0.75]`, `[]`, `"CS"`, `"Ελληνικά"`];
    for (let t = 0; t < 500; t++) {
      const keys = SCAN_KEYS.filter(() => rng.nextFloat() < 0.3);
      const w = () => ws[Math.floor(rng.nextFloat() * ws.length)];
      const fields = keys.map((k) => `${w()}"${k}"${w()}:${w()}${values[Math.floor(rng.nextFloat() * values.length)]}${w()}`);
      expectSameAsJsonParse(`${w()}{${fields.join(",")}${fields.length ? "" : w()}}${w()}`);
    }
  });

  it("gives up on every line outside its subset, valid JSON or not, so JSON.parse decides", () => {
    const refused = [
      `{"id":"q\\"1","probs":[1]}`, // an escape
      `{"id":"q\\u0041","probs":[1]}`,
      `{"id":"q\t1","probs":[1]}`, // a raw control character (JSON.parse refuses it)
      `{"id":"q","probs":[1],"extra":2}`, // a key the format does not read
      `{"id":"q","p_0":0.5,"p_1":0.5}`, // per-option keys: the general path
      `{"__proto__":{"id":1}}`,
      `{"id":"q","id":"r"}`, // a repeated key (JSON.parse keeps the last)
      `{"id":"q","options":["a","b"]}`, // not in the subset: arrays of strings
      `{"id":"q","probs":[[1]]}`,
      `{"id":"q","probs":{"a":1}}`,
      `{"id":null}`,
      `{"id":true}`,
      `{"id":"q","probs":[01]}`, // leading zero
      `{"id":"q","probs":[1.]}`,
      `{"id":"q","probs":[.5]}`,
      `{"id":"q","probs":[+1]}`,
      `{"id":"q","probs":[-]}`,
      `{"id":"q","probs":[1e]}`,
      `{"id":"q","probs":[NaN]}`,
      `{"id":"q","probs":[Infinity]}`,
      `{"id":"q","probs":[1,]}`,
      `{"id":"q","probs":[1 2]}`,
      `{"id":"q",}`,
      `{"id":"q"`,
      `{"id":"q}`,
      `{"id" "q"}`,
      `{id:"q"}`,
      `{"id":"q"} x`,
      `{"id":"q"}{}`,
      `\u00a0{"id":"q"}`, // not JSON whitespace
      `\ufeff{"id":"q"}`,
      `[{"id":"q"}]`,
      `"q"`,
      ``,
    ];
    for (const text of refused) expect(scanScoresLine(text, scannedLine()), text).toBe(false);
  });

  it("scans a line in place inside a longer text exactly as on its own, whatever surrounds it", () => {
    const rng = new Rng(23);
    const lines = [
      `{"id":"q1","language":"de","probs":[0.1,0.7,0.1,0.1],"label":1}`,
      ` { "id" : "a/b" , "lang":"sw", "logprobs" : [ -2.91 , -0.53 ] , "gold": 3 } `,
      `{}`,
      `{"id":"q","label":1`, // a number the text after the line would continue
      `{"id":"q","probs":[0.5`,
      `{"id":"q","probs":[0.5,`,
      `{"id":"q"`, // a brace the text after the line would close
      `{"id":"q`,
      `{"id"`,
      `{`,
      `{"id":"q",`,
      `{"id":"q"} `,
      ``,
    ];
    // What follows a line in a run: a newline (or CR LF) and the next line, or the end of the text; here also text
    // that would complete or extend a cut line, to show the scan never reads past its end.
    const after = ["", "\n", "\r\n", "2}", "}", `"}`, ",5]}", `:"x"}`, "\n{}"];
    for (const line of lines) {
      const alone = scannedLine();
      const ok = scanScoresLine(line, alone);
      for (const tail of after) {
        const before = ["", "\n", `{"id":"z"}\n`][Math.floor(rng.nextFloat() * 3)];
        const text = before + line + tail;
        const o = scannedLine();
        expect(scanScoresRange(text, before.length, before.length + line.length, o), JSON.stringify(text)).toBe(ok);
        if (ok) for (const k of SCAN_KEYS) expect(o[k], `${text}: ${k}`).toEqual(alone[k]);
      }
    }
  });

  it("resets every slot per line: nothing carries over from the line before", () => {
    const o = scannedLine();
    expect(scanScoresLine(`{"id":"a","language":"de","probs":[1],"label":0,"src":"x"}`, o)).toBe(true);
    expect(scanScoresLine(`{"id":"b","probs":[1]}`, o)).toBe(true);
    expect(o.language).toBeUndefined();
    expect(o.src).toBeUndefined();
    expect(o.label).toBeUndefined();
    expect(o.id).toBe("b");
  });
});

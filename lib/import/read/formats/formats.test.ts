import { describe, expect, it } from "vitest";
import { failure, fixture, parseFile, tempFile } from "../../../../tests/support/import-helpers";

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);


describe("lm-eval samples", () => {
  it("parses GlobalMMLU samples: language/subject from the task name, letter target, softmax of log-likelihoods", async () => {
    const recs = await parseFile(
      fixture("lm-eval", "samples_global_mmlu_full_de_abstract_algebra_2024-11-30T10-15-42.381204.jsonl"),
    );
    expect(recs).toHaveLength(4);
    const r = recs[0];
    expect(r.language).toBe("de");
    expect(r.subject).toBe("abstract_algebra");
    expect(r.externalId).toBe("abstract_algebra/test/0");
    expect(r.options).toEqual(["0", "4", "2", "6"]);
    expect(r.gold).toBe(1);
    expect(r.logLikelihoods).toEqual([-2.91, -0.53, -1.87, -2.4]);
    expect(sum(r.probs)).toBeCloseTo(1, 12);
    expect(r.predicted).toBe(1);
    expect(r.correct).toBe(true);
    const z = Math.exp(-2.91) + Math.exp(-0.53) + Math.exp(-1.87) + Math.exp(-2.4);
    expect(r.confidence).toBeCloseTo(Math.exp(-0.53) / z, 12);
    expect(recs.map((x) => x.gold)).toEqual([1, 2, 3, 1]);
  });

  it("parses MMLU-ProX samples with gen_args arguments, numeric targets and varying option counts", async () => {
    const recs = await parseFile(
      fixture("lm-eval", "samples_mmlu_prox_sw_biology_2025-02-03T08-30-11.004521.jsonl"),
    );
    expect(recs.map((r) => [r.language, r.subject, r.externalId, r.optionCount, r.gold])).toEqual([
      ["sw", "biology", "1001", 10, 1],
      ["sw", "biology", "1002", 8, 0],
      ["sw", "biology", "1003", 10, 1],
    ]);
    expect(recs[1].predicted).toBe(3); // -1.0 beats -1.1: a wrong answer
    expect(recs[1].correct).toBe(false);
  });

  it("length-normalises per character and per pre-token, keeping the raw log-likelihoods", async () => {
    const f = fixture("lm-eval", "samples_mmlu_prox_sw_biology_2025-02-03T08-30-11.004521.jsonl");
    const [plain] = await parseFile(f);
    const [perChar] = await parseFile(f, { normalize: "per-char" });
    expect(perChar.logLikelihoods).toEqual(plain.logLikelihoods);
    // Choice "Moyo" (4 chars, leading delimiter stripped) scored -3.2; "Mapafu" (6) -0.4.
    const lens = [
      "Moyo",
      "Mapafu",
      "Figo",
      "Ini",
      "Tumbo",
      "Ubongo",
      "Ngozi",
      "Kongosho",
      "Wengu",
      "Kibofu",
    ].map((s) => s.length);
    const scaled = plain.logLikelihoods!.map((v, i) => v / lens[i]);
    const z = scaled.reduce((a, v) => a + Math.exp(v), 0);
    expect(perChar.probs[0]).toBeCloseTo(Math.exp(scaled[0]) / z, 12);
    const [perToken] = await parseFile(f, { normalize: "per-token" });
    expect(perToken.probs).toEqual(plain.probs); // one word per choice: same as unnormalised
  });

  it("takes --language over the task name and requires one when the task names none", async () => {
    const line = JSON.stringify({
      doc_id: 0,
      doc: { question: "q", choices: ["a", "b"] },
      target: 0,
      filtered_resps: [
        ["-1", "True"],
        ["-2", "False"],
      ],
    });
    const f = tempFile("samples_arc_challenge_2024-01-01T00-00-00.000000.jsonl", line + "\n");
    const e = await failure(parseFile(f));
    expect(e.where).toMatchObject({ line: 1, field: "language" });
    const [r] = await parseFile(f, { language: "fr" });
    expect(r.language).toBe("fr");
    expect(r.options).toEqual(["a", "b"]);
    // Generic <task>_<lang> names work for known codes.
    const g = tempFile("samples_arc_challenge_mt_it_2024-01-01T00-00-00.000000.jsonl", line + "\n");
    expect((await parseFile(g))[0].language).toBe("it");
  });

  it("accepts resps only (one level deeper), numeric values and answer-text targets", async () => {
    const line = JSON.stringify({
      doc_id: 3,
      doc: { question: "2+2?", choices: ["3", "4", "5"] },
      target: "4",
      arguments: [
        ["Q: 2+2?\nA:", " 3"],
        ["Q: 2+2?\nA:", " 4"],
        ["Q: 2+2?\nA:", " 5"],
      ],
      resps: [[[-3.5, false]], [[-0.2, true]], [[-2.0, false]]],
    });
    const f = tempFile("samples_toy_en.jsonl", line + "\n");
    const [r] = await parseFile(f, {}, "lm-eval");
    expect(r.gold).toBe(1);
    expect(r.externalId).toBe("3");
    expect(r.logLikelihoods).toEqual([-3.5, -0.2, -2.0]);
  });

  it("rejects generation samples, non-finite log-likelihoods and mismatched counts with file:line", async () => {
    const base = { doc_id: 0, doc: { question: "q", choices: ["a", "b"] }, target: 0 };
    const cases: [object, RegExp][] = [
      [{ ...base, filtered_resps: ["The answer is (B)"] }, /not a multiple-choice/],
      [
        {
          ...base,
          filtered_resps: [
            ["-inf", "False"],
            ["-1", "True"],
          ],
        },
        /not a finite number/,
      ],
      [
        {
          ...base,
          filtered_resps: [
            ["-1", "False"],
            ["-2", "True"],
            ["-3", "False"],
          ],
        },
        /doc has 2 options but 3 responses/,
      ],
      [
        {
          ...base,
          target: 5,
          filtered_resps: [
            ["-1", "False"],
            ["-2", "True"],
          ],
        },
        /out of range/,
      ],
    ];
    for (const [obj, msg] of cases) {
      const f = tempFile("samples_x_en.jsonl", `\n${JSON.stringify(obj)}\n`);
      const e = await failure(parseFile(f, {}, "lm-eval"));
      expect(e.code).toBe("BAD_INPUT");
      expect(e.message).toMatch(msg);
      expect(e.where).toMatchObject({ file: "samples_x_en.jsonl", line: 2 });
    }
  });
});

describe("per-question scores", () => {
  it("parses JSONL probs with index and letter labels in several languages", async () => {
    const recs = await parseFile(fixture("scores", "scores.jsonl"));
    expect(recs.map((r) => [r.language, r.externalId, r.gold, r.predicted, r.correct])).toEqual([
      ["en", "q1", 0, 0, true],
      ["en", "q2", 2, 2, true],
      ["en", "q3", 1, 3, false],
      ["yo", "q1", 0, 0, true],
      ["yo", "q2", 1, 1, true],
      ["yo", "q3", 3, 0, false],
    ]);
    expect(recs[0].subject).toBe("astronomy");
    expect(recs[0].probs).toEqual([0.7, 0.1, 0.1, 0.1]);
    expect(recs[0].logLikelihoods).toBeNull();
  });

  it("softmaxes logits and log-probabilities (arrays or per-option keys), keeping log-probabilities", async () => {
    const logits = await parseFile(fixture("scores", "logits.jsonl"));
    expect(logits.map((r) => [r.externalId, r.language, r.predicted, r.gold])).toEqual([
      ["7", "fr", 0, 0],
      ["8", "fr", 2, 1],
      ["9", "fr", 0, 0],
    ]);
    expect(sum(logits[0].probs)).toBeCloseTo(1, 12);
    const lp = await parseFile(fixture("scores", "logprobs.jsonl"));
    expect(lp[0].probs[0]).toBeCloseTo(0.9, 9);
    expect(lp[1].probs[1]).toBeCloseTo(0.7, 9);
    expect(lp[1].logLikelihoods).toEqual([
      -1.6094379124341003, -0.35667494393873245, -2.995732273553991, -2.995732273553991,
    ]);
  });

  it("parses CSV with per-option columns (trailing empty cells = fewer options) and quoted fields", async () => {
    const recs = await parseFile(fixture("scores", "per-option.csv"));
    expect(recs.map((r) => [r.externalId, r.optionCount, r.gold, r.subject, r.line])).toEqual([
      ["arc-1", 4, 2, "science", 2],
      ["arc-2", 5, 1, "science", 3],
      ["arc-3", 3, 0, "science", 4],
      ["arc-4, quoted", 3, 1, "earth, science", 5],
    ]);
  });

  it("parses CSV with one array column and a question spanning lines", async () => {
    const recs = await parseFile(fixture("scores", "array.csv"));
    expect(recs.map((r) => [r.externalId, r.language, r.line, r.gold])).toEqual([
      ["101", "hi", 2, 1],
      ["102", "hi", 3, 3],
      ["103", "hi", 5, 0],
    ]);
    expect(recs[0].text).toBe('Which planet is known as the "Red Planet"?');
    expect(recs[1].text).toBe("A question whose text\nspans two lines");
    expect(recs[2].probs).toEqual([0.6, 0.2, 0.1, 0.1]);
  });

  it("uses --language for rows without one, and renormalises only on request", async () => {
    const f = tempFile("s.jsonl", `{"id":1,"probs":[0.2,0.2,0.1],"label":0}\n`);
    const e = await failure(parseFile(f, { language: "de" }));
    expect(e.message).toMatch(/sum to 0.5/);
    expect(e.where).toMatchObject({ file: "s.jsonl", line: 1, field: "probs" });
    const [r] = await parseFile(f, { language: "de", renormalize: true });
    expect(r.language).toBe("de");
    expect(r.probs).toEqual([0.4, 0.4, 0.2]);
  });
});

describe("Plaut et al. files", () => {
  it("renormalises over the options, takes the grade as correctness and leaves gold unknown", async () => {
    const recs = await parseFile(fixture("plaut", "arc__tiny__base.txt"));
    expect(recs).toHaveLength(5);
    expect(
      recs.map((r) => [r.externalId, r.optionCount, r.predicted, r.correct, r.gold, r.language]),
    ).toEqual([
      ["0", 4, 1, true, null, "en"],
      ["1", 3, 2, false, null, "en"],
      ["2", 5, 4, true, null, "en"],
      ["3", 4, 0, false, null, "en"],
      ["4", 4, 2, true, null, "en"],
    ]);
    expect(sum(recs[0].probs)).toBeCloseTo(1, 12);
    expect(recs[3].confidence).toBeCloseTo(0.5 / 0.9375, 12);
  });

  it("reads a real published file: 2,590 ARC questions with the README's accuracy", async () => {
    const recs = await parseFile("/work/shared/data/plaut2024/arc__Mistral__chat.txt").catch(() => null);
    if (!recs) return; // shared data not mounted
    expect(recs).toHaveLength(2590);
    const acc = recs.filter((r) => r.correct).length / recs.length;
    const conf = sum(recs.map((r) => r.confidence)) / recs.length;
    expect(acc).toBeCloseTo(0.703, 3);
    expect(conf).toBeCloseTo(0.98, 2);
  });
});

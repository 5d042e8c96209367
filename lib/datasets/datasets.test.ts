import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AtlasError } from "../errors";
import { describeName, listDatasetFiles, loadDataset, selectShots, type DatasetQuestion } from ".";

const FIX = path.resolve(__dirname, "../../tests/fixtures/datasets");
const byKey = (qs: DatasetQuestion[]) => [...qs].sort((a, b) => `${a.language}${a.split}${a.externalId}`.localeCompare(`${b.language}${b.split}${b.externalId}`));

describe("GlobalMMLU", () => {
  it.each(["parquet", "jsonl", "csv"])("reads the %s fixtures: 4 test + 2 dev questions per language", async (format) => {
    const d = await loadDataset(path.join(FIX, "globalmmlu", format));
    expect(d.layout).toBe("globalmmlu");
    const langs = [...new Set(d.questions.map((q) => q.language))].sort();
    expect(langs).toEqual({ parquet: ["am", "en", "zh"], jsonl: ["am", "ar", "en", "hi", "ru", "zh"], csv: ["ar", "en", "hi"] }[format]);
    for (const lang of langs) {
      expect(d.questions.filter((q) => q.language === lang && q.split === "test")).toHaveLength(4);
      expect(d.questions.filter((q) => q.language === lang && q.split === "dev")).toHaveLength(2);
    }
    expect(d.questions.every((q) => q.options.length === 4)).toBe(true);
  });

  it("normalises every format to the same questions", async () => {
    const jsonl = (await loadDataset(path.join(FIX, "globalmmlu/jsonl"))).questions;
    for (const format of ["parquet", "csv"]) {
      const other = (await loadDataset(path.join(FIX, "globalmmlu", format))).questions;
      const langs = new Set(other.map((q) => q.language));
      expect(byKey(other)).toEqual(byKey(jsonl.filter((q) => langs.has(q.language))));
    }
  });

  it("keeps text exactly (quotes, commas, newlines, Ge'ez) and maps the answer letter", async () => {
    const d = await loadDataset(path.join(FIX, "globalmmlu/csv/en_test.csv"));
    expect(d.questions[0]).toEqual({
      externalId: "elementary_mathematics/test/0",
      language: "en",
      subject: "elementary_mathematics",
      question: "What is 7 + 5?\n(Give the exact sum.)",
      options: ["10", "11", "12", "13"],
      gold: 2,
      slice: { subjectCategory: "STEM", culturalLabel: "CA", src: null },
      split: "test",
    });
    // cultural_sensitivity_label: CS / CA kept, blank and "-" are unknown (make-fixtures.py GM_CULTURAL)
    expect(d.questions.map((q) => q.slice?.culturalLabel)).toEqual(["CA", "CS", null, "CA"].slice(0, d.questions.length));
    expect(d.questions[3].question).toBe('What is the chemical formula of "water", the most common liquid on Earth?');
    const am = await loadDataset(path.join(FIX, "globalmmlu/parquet/am/test.parquet"));
    expect(am.questions[1]).toMatchObject({ language: "am", question: "የፈረንሳይ ዋና ከተማ ማን ናት?", options: ["ፓሪስ", "ለንደን", "በርሊን", "ሮም"], gold: 0 });
  });
});

describe("MMLU-ProX", () => {
  it.each(["parquet", "jsonl", "csv"])("reads the %s fixtures, dropping unused trailing options", async (format) => {
    const d = await loadDataset(path.join(FIX, "mmluprox", format));
    expect(d.layout).toBe("mmluprox");
    const en = d.questions.filter((q) => q.language === (format === "parquet" ? "ja" : "en") && q.split === "test");
    expect(en.map((q) => q.options.length)).toEqual([10, 6, 4, 8]);
    expect(en.map((q) => q.gold)).toEqual([4, 0, 1, 3]);
    expect(en.map((q) => q.externalId)).toEqual(["70", "71", "72", "73"]); // INT64 question_id read as text
    expect(en.map((q) => q.subject)).toEqual(["math", "other", "physics", "chemistry"]);
    expect(en.map((q) => q.slice?.subjectCategory)).toEqual(["math", "other", "physics", "chemistry"]);
    expect(en[0].slice?.src).toBe("ori_mmlu-math");
    expect(d.questions.filter((q) => q.split === "dev").length).toBe(d.questions.length / 3);
  });

  it("normalises every format to the same questions", async () => {
    const jsonl = (await loadDataset(path.join(FIX, "mmluprox/jsonl"))).questions;
    for (const format of ["parquet", "csv"]) {
      const other = (await loadDataset(path.join(FIX, "mmluprox", format))).questions;
      const langs = new Set(other.map((q) => q.language));
      expect(byKey(other)).toEqual(byKey(jsonl.filter((q) => langs.has(q.language))));
    }
  });
});

describe("file names", () => {
  it.each([
    ["data/test_am.jsonl", { split: "test", language: "am" }],
    ["data/am_dev.csv", { split: "dev", language: "am" }],
    ["ja/validation-00000-of-00001.parquet", { split: "dev", language: "ja" }],
    ["x/sw/test.parquet", { split: "test", language: "sw" }],
    ["test_fil.jsonl", { split: "test", language: "fil" }],
    ["globalmmlu-bad-answer.parquet", { split: undefined, language: undefined }],
    ["csv/test.csv", { split: "test", language: undefined }],
  ])("%s", (file, expected) => {
    expect(describeName(file)).toEqual(expected);
  });

  it("filters a folder by language and split; the caller's values fill in for a single file", () => {
    expect(listDatasetFiles(path.join(FIX, "mmluprox/jsonl"), { language: "sw", split: "dev" }).map((f) => path.basename(f.path))).toEqual(["validation_sw.jsonl"]);
    const [f] = listDatasetFiles(path.join(FIX, "bad/globalmmlu-bad-answer.parquet"), { language: "en", split: "test" });
    expect(f).toMatchObject({ format: "parquet", language: "en", split: "test" });
  });

  it.each([
    [path.join(FIX, "bad/globalmmlu-bad-answer.parquet"), {}, 'field "language": cannot tell the language'],
    [path.join(FIX, "bad/globalmmlu-bad-answer.parquet"), { language: "en" }, 'field "split": cannot tell the split'],
    [path.join(FIX, "nope.jsonl"), {}, "no such file or directory"],
    [path.join(FIX, "make-fixtures.py"), {}, "not a .parquet, .jsonl or .csv file"],
    [path.join(FIX, "globalmmlu/jsonl"), { language: "xx" }, "no matching"],
    [path.join(FIX, "globalmmlu/jsonl"), { language: "not a code" }, "is not a language code"],
  ] as const)("rejects %s %j", (input, opts, message) => {
    expect(() => listDatasetFiles(input, opts)).toThrow(message);
  });
});

describe("bad rows", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "atlas-datasets-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const gm = { sample_id: "s/test/0", subject: "astronomy", subject_category: "STEM", question: "Q?", option_a: "a", option_b: "b", option_c: "c", option_d: "d", answer: "B" };
  const px = { question_id: 5, question: "Q?", option_0: "a", option_1: "b", option_2: "c", option_3: "N/A", option_4: null, option_5: "", option_6: null, option_7: null, option_8: null, option_9: null, answer: "C", answer_index: 2, category: "math" };

  const jsonl = (name: string, rows: object[]) => {
    const file = path.join(dir, name);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    return file;
  };
  const csv = (name: string, header: string, lines: string[]) => {
    const file = path.join(dir, name);
    writeFileSync(file, [header, ...lines].join("\n") + "\n");
    return file;
  };
  const failure = async (file: string): Promise<AtlasError> => {
    try {
      await loadDataset(file);
    } catch (e) {
      if (e instanceof AtlasError) return e;
      throw e;
    }
    throw new Error("no error");
  };

  it("accepts the good rows (control)", async () => {
    const a = await loadDataset(jsonl("test_en.jsonl", [gm]));
    expect(a.questions[0]).toMatchObject({ gold: 1, options: ["a", "b", "c", "d"] });
    const b = await loadDataset(jsonl("test_sw.jsonl", [px]));
    expect(b.questions[0]).toMatchObject({ externalId: "5", gold: 2, options: ["a", "b", "c"] });
  });

  it.each([
    ["GlobalMMLU answer out of range", [gm, { ...gm, sample_id: "x", answer: "E" }], 2, "answer", 'answer "E" is not a letter A–D'],
    ["GlobalMMLU empty option", [{ ...gm, option_c: " " }], 1, "option_c", "empty option"],
    ["GlobalMMLU missing question", [gm, { ...gm, sample_id: "x" }, { ...gm, sample_id: "y", question: undefined }], 3, "question", "missing column"],
    ["duplicate id", [gm, gm], 2, "sample_id", 'duplicate id "s/test/0"'],
    ["MMLU-ProX gap in the options", [{ ...px, option_1: "N/A" }], 1, "option_1", "unused option before option_2"],
    ["MMLU-ProX answer_index beyond the options", [{ ...px, answer: null, answer_index: 4 }], 1, "answer_index", "beyond the 3 options"],
    ["MMLU-ProX letter and index disagree", [{ ...px, answer_index: 1 }], 1, "answer_index", 'disagrees with answer "C"'],
    ["MMLU-ProX no answer", [{ ...px, answer: "", answer_index: null }], 1, "answer", "missing answer"],
    ["MMLU-ProX bad index", [{ ...px, answer_index: -1 }], 1, "answer_index", "non-negative integer"],
    ["MMLU-ProX one option", [{ ...px, option_1: null, option_2: null, answer: "A", answer_index: 0 }], 1, "option_0", "at least 2 options"],
  ])("JSONL: %s", async (_, rows, line, field, message) => {
    const name = `test_${Object.keys(rows[0]).includes("option_a") ? "en" : "sw"}.jsonl`;
    // Blank line 1 shifts the rows so that line numbers are checked, not just counted.
    const file = path.join(dir, name);
    writeFileSync(file, "\n" + rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const e = await failure(file);
    expect(e.code).toBe("BAD_INPUT");
    expect(e.where).toEqual({ file, line: line + 1, field });
    expect(e.message).toContain(message);
  });

  it("JSONL: malformed JSON names the line", async () => {
    const file = path.join(dir, "dev_en.jsonl");
    writeFileSync(file, JSON.stringify(gm) + "\n{oops\n");
    expect((await failure(file)).message).toMatch(/dev_en\.jsonl:2: malformed JSON/);
  });

  it("CSV: names the line where a record starts, after multi-line quoted fields", async () => {
    const header = Object.keys(gm).join(",");
    const file = csv("en_test.csv", header, [
      's/test/0,astronomy,STEM,"two\nlines",a,b,c,d,A',
      "s/test/1,astronomy,STEM,Q,a,b,c,d,Z",
    ]);
    const e = await failure(file);
    expect(e.where).toEqual({ file, line: 4, field: "answer" });
    const short = csv("en_dev.csv", header, ["s/dev/0,astronomy,STEM,Q,a,b,c,d"]);
    expect((await failure(short)).message).toMatch(/en_dev\.csv:2: expected 9 fields \(as in the header\), found 8/);
  });

  it("CSV: an unknown layout is named", async () => {
    const file = csv("en_test.csv", "id,question,choices,answer", ["1,Q,a|b,A"]);
    expect((await failure(file)).message).toContain("cannot tell the layout");
  });

  it("Parquet: names the row index and the field", async () => {
    const e = await failure(path.join(FIX, "bad/globalmmlu-bad-answer.parquet")).catch((x) => x);
    // Without a language in the name the file is refused before reading; with one, the row is named.
    expect(e.message).toContain("cannot tell the language");
    await expect(loadDataset(path.join(FIX, "bad/globalmmlu-bad-answer.parquet"), { language: "en", split: "test" })).rejects.toThrow(
      /globalmmlu-bad-answer\.parquet, row 2, field "answer": answer "E" is not a letter A–D of the 4 options/,
    );
    await expect(loadDataset(path.join(FIX, "bad/mmluprox-answer-mismatch.parquet"), { language: "en", split: "test" })).rejects.toThrow(
      /mmluprox-answer-mismatch\.parquet, row 1, field "answer_index": answer_index 2 disagrees with answer "A"/,
    );
  });

  it("Parquet: a file that is not Parquet is reported as such", async () => {
    const file = path.join(dir, "test_en.parquet");
    writeFileSync(file, "not parquet at all");
    expect((await failure(file)).message).toMatch(/test_en\.parquet: cannot read Parquet/);
  });

  it("a folder mixing the two layouts is refused", async () => {
    const mixed = path.join(dir, "mixed");
    mkdirSync(mixed);
    writeFileSync(path.join(mixed, "test_en.jsonl"), JSON.stringify(gm) + "\n");
    writeFileSync(path.join(mixed, "test_sw.jsonl"), JSON.stringify(px) + "\n");
    expect((await failure(mixed)).message).toContain("mmluprox file among globalmmlu files");
  });
});

describe("selectShots", () => {
  it("takes the first k dev questions of the same subject and language", async () => {
    const d = await loadDataset(path.join(FIX, "mmluprox/jsonl"));
    const q = d.questions.find((x) => x.language === "hi" && x.externalId === "70")!;
    expect(selectShots(d.questions, q, 5).map((s) => [s.language, s.externalId, s.split])).toEqual([["hi", "0", "dev"]]);
    expect(selectShots(d.questions, q, 0)).toEqual([]);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendCsvColumn, csvCell, csvLine, toCsv } from "./csv-cell";
import { CsvReader } from "./import/read/csv";
import { DECIMAL } from "./import/read/numbers";

describe("csvCell", () => {
  it("neutralises cells a spreadsheet would run as a formula", () => {
    expect(csvCell("=HYPERLINK(\"http://x\",\"y\")")).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell("+1+cmd|' /C calc'!A0")).toBe("'+1+cmd|' /C calc'!A0");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("\r=1")).toBe(`"'\r=1"`);
  });

  it("keeps numbers numeric, negative ones included", () => {
    expect(csvCell(-0.5)).toBe("-0.5");
    expect(csvCell("-0.5")).toBe("-0.5");
    expect(csvCell("+3")).toBe("+3");
    expect(csvCell("-1e-3")).toBe("-1e-3");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell("plain text")).toBe("plain text");
  });

  it("quotes quotes, commas, LF and a bare CR", () => {
    expect(csvCell('say "hi"')).toBe(`"say ""hi"""`);
    expect(csvCell("a,b")).toBe(`"a,b"`);
    expect(csvCell("a\nb")).toBe(`"a\nb"`);
    expect(csvCell("a\rb")).toBe(`"a\rb"`);
  });

  it("writes documents a strict RFC 4180 reader reads back, no text cell starting a formula", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(fc.string(), fc.double({ noNaN: true })), { minLength: 2, maxLength: 4 }), { maxLength: 5 }), (rows) => {
        const doc = toCsv(["a", "b", "c", "d"].slice(0, 2), rows.map((r) => r.slice(0, 2)));
        const reader = new CsvReader("t.csv", 1 << 20);
        const records: string[][] = [];
        doc.slice(0, -1).split("\n").forEach((l, i) => {
          const rec = reader.push(l, i + 1);
          if (rec) records.push(rec.fields);
        });
        reader.finish();
        expect(records).toHaveLength(rows.length + 1);
        records.slice(1).forEach((rec, i) =>
          rec.forEach((cell, j) => {
            const v = rows[i][j];
            if (typeof v === "number") expect(Number(cell)).toBe(v === 0 ? 0 : v);
            else {
              expect(cell).toBe(/^[=+\-@\t\r]/.test(v) && !DECIMAL.test(v) ? `'${v}` : v);
              // Nothing a spreadsheet would evaluate survives, except plain numbers.
              if (/^[=+\-@\t\r]/.test(cell)) expect(cell).toMatch(DECIMAL);
            }
          }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("joins one record", () => {
    expect(csvLine(["=x", 1, null, "-1"])).toBe("'=x,1,,-1");
  });
});

describe("appendCsvColumn", () => {
  it("adds the column to every record, not inside a quoted newline", () => {
    const csv = toCsv(["a", "b"], [["x\ny", 1], ['q"uote', 2]]);
    expect(appendCsvColumn(csv, "slice", "category:STEM")).toBe(toCsv(["a", "b", "slice"], [["x\ny", 1, "category:STEM"], ['q"uote', 2, "category:STEM"]]));
  });
});

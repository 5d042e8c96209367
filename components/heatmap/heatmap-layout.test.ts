import { describe, expect, it } from "vitest";
import { ANGLE, CELL_W, headerLayout, ROW_LABEL_W, textWidth } from "./heatmap-layout";

describe("heatmap header layout", () => {
  const cols = [
    { family: "Mistral-7B", sub: "base" },
    { family: "Mistral-7B", sub: "OpenHermes β=0.1" },
    { family: "Yi-6B", sub: "● chat" },
  ];

  it("groups families and widens a one-column family until its name fits", () => {
    const l = headerLayout([{ family: "Llama-3.1-8B-Instruct-long", sub: "chat" }]);
    expect(l.families).toHaveLength(1);
    expect(l.w[0]).toBeGreaterThan(CELL_W);
    expect(l.families[0].width).toBeGreaterThanOrEqual(textWidth("Llama-3.1-8B-Instruct-long", 12));
    const m = headerLayout(cols);
    expect(m.families.map((f) => f.family)).toEqual(["Mistral-7B", "Yi-6B"]);
    expect(m.x[0]).toBe(ROW_LABEL_W);
  });

  it("is tall and wide enough for the longest rotated label and the caption", () => {
    const l = headerLayout(cols, ["a caption that is rather long, much longer than the grid itself is wide"]);
    const rad = (ANGLE * Math.PI) / 180;
    expect(l.headerH).toBeGreaterThan(textWidth("OpenHermes β=0.1") * Math.sin(rad));
    const last = l.x[2] + l.w[2] / 2 + textWidth("● chat") * Math.cos(rad);
    expect(l.width).toBeGreaterThan(last);
    expect(l.width).toBeGreaterThan(textWidth("a caption that is rather long, much longer than the grid itself is wide"));
  });
});

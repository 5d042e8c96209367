import { describe, expect, it } from "vitest";
import { dataResponse, parsePage } from "./data-out";

describe("data out", () => {
  it("parses offset/limit and names a bad field", () => {
    expect(parsePage(new URLSearchParams(""))).toEqual({ offset: 0, limit: 10000 });
    expect(parsePage(new URLSearchParams("limit=0"))).toMatchObject({ field: "limit" });
    expect(parsePage(new URLSearchParams("offset=-1"))).toMatchObject({ field: "offset" });
  });
  it("pages rows with a next link, CSV and JSON alike", async () => {
    const rows = [{ a: 1 }, { a: 2 }, { a: 3 }];
    const j = await dataResponse("http://x/api/views/heatmap?metric=rms", "json", ["a"], rows, { offset: 0, limit: 2 }, "t").json();
    expect(j).toMatchObject({ total: 3, rows: [{ a: 1 }, { a: 2 }], next: "/api/views/heatmap?metric=rms&offset=2&limit=2" });
    const c = dataResponse("http://x/v", "csv", ["a"], rows, { offset: 2, limit: 2 }, "t");
    expect(await c.text()).toBe("a\n3\n");
    expect(c.headers.get("Link")).toBeNull();
  });
});

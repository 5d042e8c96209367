"use client";
/** Copy link · SVG · PNG · CSV for one chart. `getSvg` finds the chart's <svg>, `getCsv` builds its data. */
import { useState } from "react";
import { downloadCsv, downloadPng, downloadSvg, type ExportPreset } from "@/lib/charts/export";
import { appendCsvColumn } from "@/lib/csv-cell";

export function ExportBar({
  name,
  getSvg,
  getCsv,
}: {
  name: string;
  getSvg?: () => SVGSVGElement | null;
  getCsv?: () => string;
}) {
  const [copied, setCopied] = useState(false);
  const [preset, setPreset] = useState<ExportPreset>("screen");
  return (
    <div className="toolbar" data-testid="export-bar">
      <button
        type="button"
        data-testid="copy-link"
        onClick={async () => {
          await navigator.clipboard?.writeText(window.location.href).catch(() => {});
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? "Link copied" : "Copy link"}
      </button>
      {getSvg && (
        <>
          <label>
            Figure width{" "}
            <select name="export-preset" value={preset} onChange={(e) => setPreset(e.target.value as ExportPreset)}>
              <option value="screen">as on screen</option>
              <option value="single">single column (88 mm)</option>
              <option value="double">double column (180 mm)</option>
            </select>
          </label>
          <button type="button" data-testid="download-svg" onClick={() => { const s = getSvg(); if (s) downloadSvg(s, `${name}.svg`, preset); }}>
            SVG
          </button>
          <button type="button" data-testid="download-png" onClick={() => { const s = getSvg(); if (s) void downloadPng(s, `${name}.png`, 2, preset); }}>
            PNG
          </button>
        </>
      )}
      {getCsv && (
        <button type="button" data-testid="download-csv" onClick={() => {
          // A sliced view (`?slice=`, docs/analysis.md "Slices") says so in its CSV: a `slice` column and the file name.
          const slice = new URLSearchParams(window.location.search).get("slice");
          if (slice && slice !== "all") downloadCsv(appendCsvColumn(getCsv(), "slice", slice), `${name}-slice-${slice.replace(/[^\w.-]+/g, "_")}.csv`);
          else downloadCsv(getCsv(), `${name}.csv`);
        }}>
          CSV
        </button>
      )}
    </div>
  );
}

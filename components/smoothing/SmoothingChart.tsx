"use client";
/**
 * Metric against label-smoothing β, one row of charts (ECE, accuracy, entropy) per language and source:
 * one line per model family × SFT dataset (colour = family, dash + marker = SFT dataset), the base
 * model at the left. A β marked * differs from β = 0 (p < 0.05): paired t-test across languages for
 * averages, paired bootstrap over questions for one language of measured runs (on request). The per-language
 * bootstrap p-values are Holm-adjusted within their family — one configuration × β × metric across the languages
 * shown — once every language of the family is tested; the raw p stays in the tooltip, data-p and the CSV.
 */
import { extent, line, scaleLinear, scalePoint } from "d3";
import { useEffect, useMemo, useRef, useState } from "react";
import type {
  SmoothingMetric,
  SmoothingPanel,
  SmoothingPoint,
  SmoothingSeries,
} from "@/lib/db/queries/smoothing-aggregate";
import { toCsv } from "@/lib/charts/export";
import { DEFAULT_BINS } from "@/lib/calibration/binning";
import { PAPER_METRICS, reportedUnder, titleWithBins } from "@/lib/calibration/registry";
import { ExportBar } from "@/components/ui/ExportBar";
import { markerPath } from "@/components/ui/marker-path";
import { DASHES, MARKERS, OKABE_ITO } from "@/lib/views/reliability-view";
import { holmWithinFamilies } from "@/lib/calibration/multiplicity";

/** Per language, only the equal-width (or unbinned) metrics can be tested by the equal-width paired bootstrap. */
const SHOWN: { m: SmoothingMetric; title: string }[] = reportedUnder(PAPER_METRICS, "equal-width").map((m) => ({
  m,
  title: titleWithBins(m, DEFAULT_BINS),
}));
const ALPHA = 0.05;
const W = 390;
const H = 210;
const M = { l: 46, r: 12, t: 22, b: 28 };
const ROW_LABEL = 22;


interface BootResult {
  p: Partial<Record<SmoothingMetric, number>>;
  error?: string;
}

export interface SmoothingChartProps {
  benchmark: string;
  betas: string[];
  panels: SmoothingPanel[];
  families: string[];
  sftDatasets: string[];
  bootstrap: boolean;
}

const sourceRows = (panels: SmoothingPanel[]) =>
  panels.flatMap((p) =>
    (["published", "measured"] as const)
      .map((source) => ({ panel: p, source, series: p.series.filter((s) => s.source === source) }))
      .filter((r) => r.series.length > 0),
  );

export function SmoothingChart({
  benchmark,
  betas,
  panels,
  families,
  sftDatasets,
  bootstrap,
}: SmoothingChartProps) {
  const svgRef = useRef<SVGSVGElement>(null);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  const [boot, setBoot] = useState<Record<string, BootResult>>({});
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);

  const rows = useMemo(() => sourceRows(panels), [panels]);
  const color = (family: string) => OKABE_ITO[(families.indexOf(family) + 1) % OKABE_ITO.length];
  const style = (sft: string) => {
    const i = Math.max(0, sftDatasets.indexOf(sft));
    return { dash: DASHES[i % DASHES.length], marker: MARKERS[i % MARKERS.length] };
  };
  const xs = ["base", ...betas];
  const sx = scalePoint<string>()
    .domain(xs)
    .range([M.l, W - M.r])
    .padding(0.4);

  // Paired bootstrap for single-language measured rows: every (β, β = 0) pair, one request each.
  const pairs = useMemo(() => {
    const out: { key: string; family: string; runA: number; runB: number; language: string }[] = [];
    if (!bootstrap) return out;
    for (const r of rows) {
      if (r.source !== "measured" || r.panel.language === "avg") continue;
      for (const s of r.series) {
        const ref = s.points.find((p) => p.beta === betas[0]);
        if (!ref?.runId) continue;
        for (const p of s.points)
          if (p !== ref && p.runId)
            out.push({
              key: bootKey(r.panel.language, s, p),
              family: `${s.key}|${p.beta}`,
              runA: ref.runId,
              runB: p.runId,
              language: r.panel.language,
            });
      }
    }
    return out;
  }, [rows, bootstrap, betas]);

  useEffect(() => {
    if (!pairs.length) return;
    let cancelled = false;
    (async () => {
      let done = 0;
      setProgress({ done, total: pairs.length });
      for (const pair of pairs) {
        if (cancelled) return;
        let result: BootResult;
        try {
          const r = await fetch(
            `/smoothing/significance?runA=${pair.runA}&runB=${pair.runB}&language=${pair.language}`,
          );
          const body = await r.json();
          result = r.ok
            ? {
                p: Object.fromEntries(
                  Object.entries(body.metrics as Record<string, { p: number }>).map(([k, v]) => [k, v.p]),
                ),
              }
            : { p: {}, error: body.error?.message ?? r.statusText };
        } catch (e) {
          result = { p: {}, error: String(e) };
        }
        if (cancelled) return;
        setBoot((b) => ({ ...b, [pair.key]: result }));
        setProgress({ done: ++done, total: pairs.length });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [pairs]);

  // Holm within each family (configuration × β × metric across languages); null until the whole family is tested.
  const holmP = useMemo(() => {
    const out = new Map<string, number | null>();
    for (const { m } of SHOWN) {
      const items = pairs.map((pr) => {
        const b = boot[pr.key];
        return { family: `${pr.family}|${m}`, p: b && !b.error ? (b.p[m] ?? null) : null };
      });
      holmWithinFamilies(items).forEach((h, i) => out.set(`${pairs[i].key}|${m}`, h));
    }
    return out;
  }, [pairs, boot]);

  const pointTest = (
    language: string,
    s: SmoothingSeries,
    p: SmoothingPoint,
    m: SmoothingMetric,
  ): { test: string | null; p: number | null; holm: number | null; decides: number | null } => {
    if (p.test === "t-test") {
      const raw = p.p[m] ?? null;
      return { test: "t-test", p: raw, holm: null, decides: raw };
    }
    const key = bootKey(language, s, p);
    const b = boot[key];
    if (b && !b.error) {
      const holm = holmP.get(`${key}|${m}`) ?? null;
      return { test: "bootstrap", p: b.p[m] ?? null, holm, decides: holm };
    }
    return { test: null, p: null, holm: null, decides: null };
  };

  // The legend lists only what is plotted (colours stay keyed to the full family list, so they are stable).
  const plottedFamilies = families.filter((f) => rows.some((r) => r.series.some((s) => s.family === f)));
  const plottedSft = sftDatasets.filter((d) => rows.some((r) => r.series.some((s) => s.sft === d)));
  const rowH = ROW_LABEL + H + 8;
  const legendH = 22 * 2 + 12;
  const width = SHOWN.length * W;
  const height = legendH + rows.length * rowH;

  const csv = () => {
    const out: (string | number | null)[][] = [];
    for (const r of rows)
      for (const s of r.series) {
        for (const m of SHOWN.map((x) => x.m)) {
          if (s.base[m] !== null)
            out.push([
              benchmark,
              r.panel.language,
              r.source,
              s.family,
              s.baseModel,
              s.sft,
              "base",
              m,
              s.base[m],
              null,
              null,
              null,
              null,
            ]);
          for (const p of s.points) {
            const t = pointTest(r.panel.language, s, p, m);
            out.push([
              benchmark,
              r.panel.language,
              r.source,
              s.family,
              p.model,
              s.sft,
              p.beta,
              m,
              p.text[m] ?? p.value[m],
              t.test,
              t.p,
              t.decides === null ? null : t.decides < ALPHA ? 1 : 0,
              t.holm,
            ]);
          }
        }
      }
    return toCsv(
      [
        "benchmark",
        "language",
        "source",
        "family",
        "model",
        "sft_dataset",
        "beta",
        "metric",
        "value",
        "test",
        "p_value",
        "significant",
        "p_holm",
      ],
      out,
    );
  };

  const onMove = (e: React.MouseEvent) => {
    const el = (e.target as Element).closest?.("[data-testid='smoothing-point']") as SVGElement | null;
    if (!el) return setHover(null);
    const d = el.dataset;
    setHover({
      x: e.clientX + 12,
      y: e.clientY + 12,
      text:
        `${d.label}\n${d.family} · ${d.sft} · β=${d.beta} (${d.source})\n${d.metric}: ${d.value}` +
        (d.p
          ? d.test === "bootstrap"
            ? d.pHolm
              ? `\nvs β=${betas[0]}: Holm p = ${Number(d.pHolm).toPrecision(3)} over the languages shown (raw p = ${Number(d.p).toPrecision(3)}, paired bootstrap)${Number(d.pHolm) < ALPHA ? " — significant" : ""}`
              : `\nvs β=${betas[0]}: raw p = ${Number(d.p).toPrecision(3)} (paired bootstrap; Holm once every language shown is tested)`
            : `\nvs β=${betas[0]}: p = ${Number(d.p).toPrecision(3)} (${d.test})${Number(d.p) < ALPHA ? " — significant" : ""}`
          : d.beta === betas[0]
            ? "\nreference (β = 0)"
            : "\nnot tested"),
    });
  };

  return (
    <div>
      <ExportBar name={`smoothing-${benchmark}`} getSvg={() => svgRef.current} getCsv={csv} />
      {progress && (
        <p
          className="subtitle"
          data-testid="bootstrap-progress"
          data-done={progress.done}
          data-total={progress.total}
        >
          Paired bootstrap ({progress.done}/{progress.total} pairs tested, 200 resamples each, over the
          questions both runs answered)
        </p>
      )}
      <div className="chart-scroll" style={{ border: "none" }}>
        <svg
          ref={svgRef}
          width={width}
          height={height}
          fontSize={11}
          data-testid="smoothing"
          onMouseMove={onMove}
          onMouseLeave={() => setHover(null)}
          role="img"
          aria-label={`ECE, accuracy and entropy against β on ${benchmark}`}
        >
          <g className="legend" transform="translate(4,14)" fontSize={12}>
            {plottedFamilies.map((f, i) => (
              <g key={f} transform={`translate(${i * 150},0)`}>
                <rect width={14} height={4} y={-4} fill={color(f)} />
                <text x={20} y={0} fill="#1d2430">
                  {f}
                </text>
              </g>
            ))}
            {plottedSft.map((sd, i) => (
              <g key={sd} transform={`translate(${i * 150},22)`}>
                <line x1={0} x2={30} stroke="#5b6675" strokeWidth={1.6} strokeDasharray={style(sd).dash} />
                <path
                  d={markerPath(style(sd).marker, 40)}
                  transform="translate(15,0)"
                  fill="#5b6675"
                />
                <text x={36} y={4} fill="#1d2430">
                  {sd}
                </text>
              </g>
            ))}
            <text x={Math.max(plottedFamilies.length, plottedSft.length) * 150} y={4} fill="#5b6675">
              {`* differs from β = ${betas[0]} (p < ${ALPHA}); hollow = tested, not significant; “base” = before SFT`}
            </text>
          </g>
          {rows.map((r, ri) => (
            <g
              key={`${r.panel.language}-${r.source}`}
              transform={`translate(0,${legendH + ri * rowH})`}
              data-testid="smoothing-row"
              data-language={r.panel.language}
              data-source={r.source}
            >
              <text x={4} y={14} fontWeight={600} fontSize={12}>
                {r.panel.label}{" "}
                <tspan fontWeight={400} fill="#5b6675">
                  — {r.source}
                  {r.panel.language === "avg"
                    ? " (mean over languages; paired t-test across languages)"
                    : r.source === "measured"
                      ? bootstrap
                        ? " (paired bootstrap over questions)"
                        : " (no test: turn on the paired bootstrap)"
                      : " (one figure per configuration: no test possible)"}
                </tspan>
              </text>
              {SHOWN.map(({ m, title }, ci) => {
                const vals = r.series
                  .flatMap((s) => [s.base[m], ...s.points.map((p) => p.value[m])])
                  .filter((v): v is number => v !== null);
                const [lo, hi] = extent(vals) as [number, number];
                const pad = ((hi ?? 1) - (lo ?? 0)) * 0.12 || 0.01;
                const sy = scaleLinear()
                  .domain([(lo ?? 0) - pad, (hi ?? 1) + pad])
                  .range([ROW_LABEL + H - M.b, ROW_LABEL + M.t])
                  .nice();
                return (
                  <g key={m} transform={`translate(${ci * W},0)`}>
                    <text x={M.l} y={ROW_LABEL + 12} fill="#5b6675">
                      {title}
                    </text>
                    <rect
                      x={M.l}
                      y={ROW_LABEL + M.t}
                      width={W - M.l - M.r}
                      height={H - M.t - M.b}
                      fill="#fbfcfd"
                      stroke="#d9dee5"
                    />
                    {sy.ticks(4).map((t) => (
                      <g key={t}>
                        <line x1={M.l} x2={W - M.r} y1={sy(t)} y2={sy(t)} stroke="#eef1f4" />
                        <text
                          x={M.l - 4}
                          y={sy(t)}
                          textAnchor="end"
                          dominantBaseline="middle"
                          fill="#5b6675"
                          fontSize={10}
                        >
                          {t.toFixed(3)}
                        </text>
                      </g>
                    ))}
                    {xs.map((x) => (
                      <text
                        key={x}
                        x={sx(x)}
                        y={ROW_LABEL + H - M.b + 14}
                        textAnchor="middle"
                        fill="#5b6675"
                        fontSize={10}
                      >
                        {x === "base" ? "base" : `β=${x}`}
                      </text>
                    ))}
                    {r.series.map((s) => {
                      const st = style(s.sft);
                      const c = color(s.family);
                      const pts = s.points.filter((p) => p.value[m] !== null);
                      const path = line<SmoothingPoint>()
                        .x((p) => sx(p.beta) ?? 0)
                        .y((p) => sy(p.value[m] as number));
                      const first = pts[0];
                      return (
                        <g key={s.key} data-series={s.key}>
                          {s.base[m] !== null && first && (
                            <line
                              x1={sx("base")}
                              x2={sx(first.beta)}
                              y1={sy(s.base[m] as number)}
                              y2={sy(first.value[m] as number)}
                              stroke={c}
                              strokeWidth={1}
                              strokeDasharray="1 3"
                            />
                          )}
                          <path
                            d={path(pts) ?? ""}
                            fill="none"
                            stroke={c}
                            strokeWidth={1.8}
                            strokeDasharray={st.dash}
                          />
                          {s.base[m] !== null && (
                            <path
                              d={markerPath("circle", 22)}
                              transform={`translate(${sx("base")},${sy(s.base[m] as number)})`}
                              fill={c}
                              data-testid="smoothing-base"
                              data-family={s.family}
                              data-metric={m}
                              data-value={s.base[m] as number}
                            />
                          )}
                          {pts.map((p) => {
                            const t = pointTest(r.panel.language, s, p, m);
                            const isRef = p.beta === betas[0];
                            const sig = t.decides !== null && t.decides < ALPHA;
                            const hollow = !isRef && t.decides !== null && !sig;
                            const x = sx(p.beta) ?? 0;
                            const y = sy(p.value[m] as number);
                            return (
                              <g
                                key={p.beta}
                                data-testid="smoothing-point"
                                data-language={r.panel.language}
                                data-source={r.source}
                                data-family={s.family}
                                data-sft={s.sft}
                                data-beta={p.beta}
                                data-metric={m}
                                data-label={r.panel.label}
                                data-value={p.text[m] ?? (p.value[m] as number)}
                                data-p={t.p ?? ""}
                                data-test={t.test ?? ""}
                                data-p-holm={t.holm ?? ""}
                                data-sig={t.decides === null ? "" : sig ? "1" : "0"}
                                data-model={p.model}
                              >
                                <path
                                  d={markerPath(st.marker, 48)}
                                  transform={`translate(${x},${y})`}
                                  fill={hollow ? "white" : c}
                                  stroke={c}
                                  strokeWidth={1.4}
                                />
                                {sig && (
                                  // Centred over its own marker, in the series' colour: it moves with its point, so
                                  // marks of several series at one β stay with their series.
                                  <text x={x} y={y - 6} textAnchor="middle" fill={c} fontWeight={700} fontSize={12} data-testid="sig-mark" data-series={s.key}>
                                    *
                                  </text>
                                )}
                              </g>
                            );
                          })}
                        </g>
                      );
                    })}
                  </g>
                );
              })}
            </g>
          ))}
        </svg>
      </div>
      {hover && (
        <div className="tooltip" style={{ left: hover.x, top: hover.y }} data-testid="tooltip">
          {hover.text}
        </div>
      )}
    </div>
  );
}

function bootKey(language: string, s: SmoothingSeries, p: SmoothingPoint) {
  return `${language}|${s.key}|${p.beta}`;
}

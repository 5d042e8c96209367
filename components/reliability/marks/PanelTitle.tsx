import type { PanelLanguage } from "@/lib/db/queries/reliability";
import { FEW_QUESTIONS } from "@/lib/view-state/config";
import { signed3 } from "@/lib/format";

/** The language, the questions behind the panel (flagged when few), and Δ ECE of the compared pair. */
export function PanelTitle({ language, ns, delta, x, font }: { language: PanelLanguage; ns: number[]; delta: number | null; x: number; font: number }) {
  const few = ns.some((n) => n < FEW_QUESTIONS);
  return (
    <text x={x} y={14} fontWeight={600} fontSize={font + 1}>
      {language.name}{" "}
      <tspan fontWeight={400} fill="#4a5361">
        ({language.code})
      </tspan>
      <tspan fontWeight={400} fill={few ? "#a04000" : "#4a5361"} data-testid="panel-n">
        {` n = ${[...new Set(ns)].join("/")}`}
        {few ? " ⚠ few questions" : ""}
      </tspan>
      {delta !== null && (
        <tspan fontWeight={400} fill="#5b6675" data-testid="panel-delta">
          {`  Δ ECE ${signed3(delta)}`}
        </tspan>
      )}
    </text>
  );
}

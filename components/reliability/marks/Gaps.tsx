import { OVER_FILL, UNDER_FILL } from "./fills";

/** One series' gap rectangles, from the diagonal (confidence) to the accuracy, by sign. */
export function Gaps({ model, over, under }: { model: string; over: string; under: string }) {
  return (
    <g pointerEvents="none" data-model={model}>
      {over && <path d={over} fill={OVER_FILL} data-gap="over" />}
      {under && <path d={under} fill={UNDER_FILL} data-gap="under" />}
    </g>
  );
}

/**
 * The bootstrap's inner loop: every scalar metric of one resample (integer weights = multiplicities),
 * as fast as we can make it. It gives the same numbers as MetricEngine.scalars(binnings, weights)
 * — the same sums in the same order — but prepares everything once per set (sorted columns, bin and
 * grid positions, per-row scores) and visits the rows in a single fused pass, plus one walk per sorted
 * column (top-label confidence for equal-mass, and each class for ACE), reusing its buffers.
 *
 * The walks read weights out of order (a cache miss per row and column: most of the time of a resample before
 * blocks). So the row passes also add each row into its block of every sorted column (EqualMassBlocks: 512
 * consecutive entries of the sorted order), and a walk visits whole blocks, reading single entries only where a
 * group boundary falls. Same groups; sums equal up to the order of additions (≤ 1e-12), the same seeded draws.
 */
import { type Binning, EQUAL_MASS_BLOCK_SHIFT, type EqualMassBlocks, equalMassSumsSorted, equalWidthBin, type SortedSample } from "./binning";
import type { MetricEngine, Scalars } from "./engine";
import { gridNodes, type PresetGrid, SmoothEce } from "./smece";
import { binnedErrors, type BinnedErrors } from "./binned-errors";

const GRID = gridNodes(1); // 1001 nodes: smECE's grid for every σ ≥ 0.01

export class ResampleEngine {
  private readonly n: number;
  private readonly bins: number;
  private readonly conf: Float64Array;
  private readonly correct: Uint8Array;
  private readonly entropy: Float64Array | null;
  private readonly brier: Float64Array | null;
  private readonly nll: Float64Array | null;
  private readonly ewBin: Int32Array;
  private readonly node: Int32Array;
  private readonly frac: Float64Array;
  private readonly residual: Float64Array;
  /** Classwise (labelled sets only): per option entry, its SCE cell k·M + bin(p_k) and whether k is gold. */
  private readonly cells: Int32Array | null;
  private readonly goldEntry: Uint8Array | null;
  private readonly offsets: Int32Array | null;
  private readonly probs: Float64Array | null;
  private readonly maxK: number;
  private readonly confSorted: SortedSample;
  private readonly classSorted: SortedSample[] | null;
  /** Block of each row in the confidence order, and of each option entry in its class's order (with the class's base). */
  private readonly confBlock: Int32Array;
  private readonly classBlock: Int32Array | null;
  private readonly confBlocks: EqualMassBlocks;
  private readonly classBlocks: EqualMassBlocks[] | null;
  private readonly blocked: boolean;
  // per-resample accumulators, reused
  private readonly ew: { count: Float64Array; sumValue: Float64Array; sumOutcome: Float64Array };
  private readonly grid: PresetGrid;
  private readonly sce: { count: Float64Array; sumP: Float64Array; sumY: Float64Array } | null;

  /** `blocks: false` walks every entry (the procedure before blocks; kept for bench:stats's side-by-side run). */
  constructor(
    private readonly engine: MetricEngine,
    opts: { blocks?: boolean } = {},
  ) {
    this.blocked = opts.blocks ?? true;
    const r = engine.rows;
    const n = (this.n = r.n);
    const m = (this.bins = engine.bins);
    this.conf = r.confidence;
    this.correct = r.correct;
    this.entropy = r.entropyBits;
    this.brier = r.brier;
    this.nll = r.nll;
    this.ewBin = new Int32Array(n);
    for (let i = 0; i < n; i++) this.ewBin[i] = equalWidthBin(this.conf[i], m);
    const pos = engine.gridPositions;
    this.node = pos.index;
    this.frac = pos.frac;
    this.residual = new Float64Array(n);
    for (let i = 0; i < n; i++) this.residual[i] = this.conf[i] - this.correct[i];
    const input = engine.input;
    if (input.kind === "labelled") {
      const { offsets, probs, labels } = input;
      this.offsets = offsets;
      this.probs = probs;
      this.maxK = input.maxK;
      this.cells = new Int32Array(probs.length);
      this.goldEntry = new Uint8Array(probs.length);
      for (let i = 0; i < n; i++) {
        const start = offsets[i];
        for (let j = start; j < offsets[i + 1]; j++) this.cells[j] = (j - start) * m + equalWidthBin(probs[j], m);
        this.goldEntry[start + labels[i]] = 1;
      }
      this.classSorted = engine.classOrders;
      const cellsTotal = this.maxK * m;
      this.sce = { count: new Float64Array(cellsTotal), sumP: new Float64Array(cellsTotal), sumY: new Float64Array(cellsTotal) };
    } else {
      this.offsets = this.probs = this.cells = this.goldEntry = null;
      this.maxK = 0;
      this.classSorted = null;
      this.sce = null;
    }
    this.confSorted = engine.confSorted;
    const blockCount = (len: number) => Math.ceil(len / (1 << EQUAL_MASS_BLOCK_SHIFT));
    const order = this.confSorted.order;
    this.confBlock = new Int32Array(n);
    for (let j = 0; j < n; j++) this.confBlock[order[j]] = j >> EQUAL_MASS_BLOCK_SHIFT;
    const nb = blockCount(n);
    this.confBlocks = { count: new Float64Array(nb), sumValue: new Float64Array(nb), sumOutcome: new Float64Array(nb), base: 0 };
    if (this.classSorted && this.offsets) {
      this.classBlock = new Int32Array((this.probs as Float64Array).length);
      let base = 0;
      const bases: number[] = [];
      for (let k = 0; k < this.classSorted.length; k++) {
        const o = this.classSorted[k].order;
        for (let j = 0; j < o.length; j++) this.classBlock[this.offsets[o[j]] + k] = base + (j >> EQUAL_MASS_BLOCK_SHIFT);
        bases.push(base);
        base += blockCount(o.length);
      }
      const count = new Float64Array(base);
      const sumValue = new Float64Array(base);
      const sumOutcome = new Float64Array(base);
      this.classBlocks = bases.map((b) => ({ count, sumValue, sumOutcome, base: b }));
    } else {
      this.classBlock = null;
      this.classBlocks = null;
    }
    this.ew = { count: new Float64Array(m), sumValue: new Float64Array(m), sumOutcome: new Float64Array(m) };
    this.grid = { vr: new Float64Array(GRID), v1: new Float64Array(GRID), total: 0 };
  }

  /** Every scalar metric of the resample with multiplicities `w` (w.length = N). */
  scalars(binnings: readonly Binning[], w: Int32Array): Scalars {
    const n = this.n;
    const { conf, correct, entropy, brier, nll, ewBin, node, frac, residual } = this;
    const { count, sumValue, sumOutcome } = this.ew;
    const { vr, v1 } = this.grid;
    count.fill(0);
    sumValue.fill(0);
    sumOutcome.fill(0);
    vr.fill(0);
    v1.fill(0);
    const blocked = this.blocked;
    const { confBlock } = this;
    const em = this.confBlocks;
    if (blocked) {
      em.count.fill(0);
      em.sumValue.fill(0);
      em.sumOutcome.fill(0);
    }
    let total = 0;
    let sCorrect = 0;
    let sConf = 0;
    // Top-label pass: means, equal-width bins and the smECE grid. (Two tight loops — this one and the
    // classwise one below — run faster in V8 than one loop doing both.)
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const c = conf[i];
      const y = correct[i];
      total += wi;
      sCorrect += wi * y;
      sConf += wi * c;
      const b = ewBin[i];
      count[b] += wi;
      sumValue[b] += wi * c;
      sumOutcome[b] += wi * y;
      const g = node[i];
      const f = frac[i];
      const r = residual[i];
      vr[g] += wi * ((1 - f) * r);
      vr[g + 1] += wi * (f * r);
      v1[g] += wi * (1 - f);
      v1[g + 1] += wi * f;
      if (blocked) {
        const k = confBlock[i];
        em.count[k] += wi;
        em.sumValue[k] += wi * c;
        em.sumOutcome[k] += wi * y;
      }
    }
    const sH = entropy ? weightedSum(entropy, w) : 0;
    const sBrier = brier ? weightedSum(brier, w) : 0;
    const sNll = nll ? weightedSum(nll, w) : 0;
    if (this.sce) this.accumulateSce(w);
    this.grid.total = total;

    const binned: Partial<Record<Binning, BinnedErrors>> = {};
    for (const b of binnings) {
      if (b === "equal-width") {
        binned[b] = binnedErrors({ m: this.bins, count, sumValue, sumOutcome, lower: sumValue, upper: sumValue, total });
      } else {
        const o = this.confSorted;
        binned[b] = binnedErrors(equalMassSumsSorted(o.values, o.outcome, o.order, this.bins, w, blocked ? em : null));
      }
    }
    const sm = new SmoothEce(conf, correct, w, null, new Map([[GRID, this.grid]])).compute();
    const accuracy = sCorrect / total;
    const confidence = sConf / total;
    return {
      n: total,
      accuracy,
      confidence,
      overconfidence: confidence - accuracy,
      entropyBits: entropy ? sH / total : null,
      smece: sm.smece,
      smeceSigma: sm.sigma,
      sce: this.sce ? this.sceValue() : null,
      ace: this.classSorted ? this.aceValue(w) : null,
      brier: brier ? sBrier / total : null,
      nll: nll ? sNll / total : null,
      binned,
    };
  }

  /** Classwise cells: per option entry, weight, weight·p_k and weight·[gold = k] into cell k·M + bin(p_k). */
  private accumulateSce(w: Int32Array): void {
    const { count, sumP, sumY } = this.sce as NonNullable<ResampleEngine["sce"]>;
    count.fill(0);
    sumP.fill(0);
    sumY.fill(0);
    const offsets = this.offsets as Int32Array;
    const probs = this.probs as Float64Array;
    const cells = this.cells as Int32Array;
    const gold = this.goldEntry as Uint8Array;
    if (this.blocked && this.classBlocks && this.classBlock) {
      // The same pass also fills the class columns' blocks (see EqualMassBlocks).
      const blocks = this.classBlocks[0];
      const bc = blocks.count;
      const bv = blocks.sumValue;
      const by = blocks.sumOutcome;
      bc.fill(0);
      bv.fill(0);
      by.fill(0);
      const classBlock = this.classBlock;
      for (let i = 0; i < this.n; i++) {
        const wi = w[i];
        if (wi === 0) continue;
        const end = offsets[i + 1];
        for (let j = offsets[i]; j < end; j++) {
          const cell = cells[j];
          const p = probs[j];
          const blk = classBlock[j];
          count[cell] += wi;
          sumP[cell] += wi * p;
          bc[blk] += wi;
          bv[blk] += wi * p;
          if (gold[j]) {
            sumY[cell] += wi;
            by[blk] += wi;
          }
        }
      }
      return;
    }
    for (let i = 0; i < this.n; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const end = offsets[i + 1];
      for (let j = offsets[i]; j < end; j++) {
        const cell = cells[j];
        count[cell] += wi;
        sumP[cell] += wi * probs[j];
        if (gold[j]) sumY[cell] += wi;
      }
    }
  }

  /** SCE from the accumulated cells (as staticCalibrationError). */
  private sceValue(): number {
    const { count, sumP, sumY } = this.sce as NonNullable<ResampleEngine["sce"]>;
    const m = this.bins;
    let total = 0;
    let present = 0;
    for (let k = 0; k < this.maxK; k++) {
      let nk = 0;
      let gaps = 0;
      for (let b = k * m; b < (k + 1) * m; b++) {
        nk += count[b];
        gaps += Math.abs(sumY[b] - sumP[b]);
      }
      if (nk > 0) {
        total += gaps / nk;
        present++;
      }
    }
    return total / present;
  }

  /** ACE by walking each class's sorted column with the weights (as adaptiveCalibrationError). */
  private aceValue(w: Int32Array): number {
    const r = this.bins;
    let total = 0;
    let present = 0;
    const sorted = this.classSorted as SortedSample[];
    for (let k = 0; k < sorted.length; k++) {
      const o = sorted[k];
      const s = equalMassSumsSorted(o.values, o.outcome, o.order, r, w, this.blocked && this.classBlocks ? this.classBlocks[k] : null);
      if (s.total === 0) continue;
      present++;
      for (let g = 0; g < r; g++) if (s.count[g] > 0) total += Math.abs(s.sumOutcome[g] - s.sumValue[g]) / s.count[g];
    }
    return total / (present * r);
  }
}

/** Σ w_i·x_i in row order (as MetricEngine's weighted means). */
function weightedSum(x: Float64Array, w: Int32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += w[i] * x[i];
  return s;
}

/**
 * IEEE half-precision numbers as onnxruntime-node hands them over (a Uint16Array of bit patterns: Node 20 has no
 * Float16Array). Float16 exports return their logits this way; the scorers read float32, so the logits are widened
 * once per pass. A 65536-entry table makes that one lookup per value.
 */
let table: Float32Array | null = null;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal (and ±0)
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export function float16ToFloat32(bits: Uint16Array): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = halfToFloat(h);
  }
  const t = table;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]];
  return out;
}

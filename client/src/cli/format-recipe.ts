/** One-line descriptions of recipes and candidates for CLI tables and progress lines. */

interface RecipeLike {
  lowRank?: { rankRatio: number };
  prune?: { ratio: number; structure: string };
  distill?: { temperature: number; alpha: number; epochs: number; layers: 'all' | number };
  quant?: { weightBits: number; activationBits: number; granularity: string; symmetric: boolean };
}

/** `lowRank 0.30 · prune 50% channel · distill T4 α0.5 0.25 ep · quant w4/a8` — or `baseline`. */
export function formatRecipe(value: unknown): string {
  const r = value as RecipeLike;
  const parts: string[] = [];
  if (r.lowRank) parts.push(`lowRank ${r.lowRank.rankRatio.toFixed(2)}`);
  if (r.prune) parts.push(`prune ${Math.round(r.prune.ratio * 100)}% ${r.prune.structure}`);
  if (r.distill) {
    const layers = r.distill.layers === 'all' ? '' : ` last ${r.distill.layers}`;
    parts.push(`distill T${r.distill.temperature} α${r.distill.alpha} ${Number(r.distill.epochs.toFixed(2))} ep${layers}`);
  }
  if (r.quant) {
    const q = r.quant;
    parts.push(`quant w${q.weightBits}/a${q.activationBits}${q.granularity === 'per-tensor' ? ' per-tensor' : ''}${q.symmetric ? '' : ' asym'}`);
  }
  return parts.length > 0 ? parts.join(' · ') : 'baseline (no compression)';
}

/** 0.9123 → "91.23%". */
export function percent(x: number | undefined): string {
  return x === undefined ? '–' : `${(x * 100).toFixed(2)}%`;
}

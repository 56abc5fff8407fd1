/**
 * How many of the first `rows` rows of `logits` ([rows, classes], row-major) have their largest
 * logit at the label — `labels[labelOffset + row]` — the first maximum winning ties. The one top-1
 * count of Frontier: evaluation and training measure accuracy alike.
 */
export function countTop1(o: { logits: ArrayLike<number>; classes: number; rows: number; labels: ArrayLike<number>; labelOffset?: number }): number {
  const { logits, classes } = o;
  const offset = o.labelOffset ?? 0;
  let correct = 0;
  for (let row = 0; row < o.rows; row++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[row * classes + k]! > logits[row * classes + best]!) best = k;
    if (best === o.labels[offset + row]) correct++;
  }
  return correct;
}

/**
 * Crowding distance (Deb et al. 2002, §III-B) of the rows `members` of `values` (row-major,
 * m objectives): for each objective, sort the members, give the two extremes Infinity and each
 * inner member the gap between its neighbours divided by the objective's range; sum over
 * objectives. An objective with zero range adds nothing. Returns one distance per member, in the
 * order of `members`.
 */
export function crowdingDistance(values: Float64Array, nObjectives: number, members: ArrayLike<number>): Float64Array {
  const n = members.length;
  const distance = new Float64Array(n);
  if (n <= 2) return distance.fill(Infinity);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < nObjectives; k++) {
    const f = (i: number) => values[members[i]! * nObjectives + k]!;
    order.sort((a, b) => f(a) - f(b));
    const lo = f(order[0]!);
    const hi = f(order[n - 1]!);
    distance[order[0]!] = Infinity;
    distance[order[n - 1]!] = Infinity;
    if (hi === lo) continue;
    for (let p = 1; p < n - 1; p++) distance[order[p]!]! += (f(order[p + 1]!) - f(order[p - 1]!)) / (hi - lo);
  }
  return distance;
}

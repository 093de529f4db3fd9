/**
 * "did you mean" suggestions for misspelt names, by Damerau-Levenshtein (optimal string
 * alignment) distance, so a swapped pair of letters (`clearnace`) counts as one edit.
 */

export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Longest word or candidate compared. */
const MAX_SUGGESTION_LENGTH = 256;

/**
 * The candidate closest to `word`, if close enough to be a plausible typo: at most a third of
 * the word's length in edits (minimum 2), so `ordrs` finds `orders` but `xyz` suggests nothing.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  // every manifest name is short; the distance table is length × length, so a megabyte-long
  // word and candidate would need terabytes: no suggestion for such text
  if (word.length > MAX_SUGGESTION_LENGTH) return undefined;
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    // the distance is at least the difference in length: skip the quadratic table when it
    // can't be close (a 1 MB string against short names would otherwise take seconds)
    if (Math.abs(word.length - candidate.length) > limit || candidate.length > MAX_SUGGESTION_LENGTH) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance && distance <= limit) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` — did you mean "x"?` or, when nothing is close, ` — ${otherwise}`. */
export function suggestion(word: string, candidates: readonly string[], otherwise: string): string {
  const match = closestMatch(word, candidates);
  return match !== undefined ? ` — did you mean "${match}"?` : ` — ${otherwise}`;
}

/** `"a", "b" and "c"`, cut short with "…" past `max` entries. */
export function quotedList(values: readonly string[], max = 12): string {
  const quoted = values.slice(0, max).map((v) => `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`);
  if (values.length > max) return `${quoted.join(', ')}, …`;
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

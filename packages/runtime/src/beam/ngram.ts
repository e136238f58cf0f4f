// The no-repeat-n-gram rule: a token that would complete an n-gram already present in the sequence
// (prompt included) is banned, as transformers' NoRepeatNGramLogitsProcessor does.

/** The tokens that may not come next after `ids` when no n-gram of size `n` may repeat (n ≥ 1). */
export function bannedByNgram(ids: readonly number[], n: number): Set<number> {
  const banned = new Set<number>();
  const len = ids.length;
  if (n < 1 || len < n) return banned;
  // The last n - 1 tokens are the start of the n-gram the next token would complete; every earlier
  // window of n tokens that begins with them bans its own last token.
  const prefixStart = len - (n - 1);
  for (let i = 0; i + n <= len; i++) {
    let same = true;
    for (let j = 0; j < n - 1 && same; j++) same = ids[i + j] === ids[prefixStart + j];
    if (same) banned.add(ids[i + n - 1]!);
  }
  return banned;
}

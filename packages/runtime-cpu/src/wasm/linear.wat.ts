// WebAssembly text of the dense layer: out [rows, m] = x [rows, n] · Wᵀ + b over weights packed in panels.
//
// Panel layout (see Arena.pack in ../arena.ts): the weight rows 4p … 4p+3 form panel p, stored as
// n/4 blocks of 4 rows × 4 columns (64 bytes: row 0's four columns, then row 1's …), then the last
// n % 4 columns of each of the 4 rows. A panel is 4n floats, read front to back: one stream per job.
//
// Every output element is summed in the same order whatever the number of rows, the tile it falls in
// or the thread that computes it: lane l of an f32x4 accumulator sums columns l, l+4, l+8 …; then
// (lane0 + lane1) + (lane2 + lane3), then the n % 4 tail columns in order, then the bias. So one
// token decoded alone gives bit for bit the logits it gets inside a prompt.
import { lanes } from './lanes.js';

/** Names the accumulator of tile row `r`, output `o`. */
const acc = (r: number, o: number) => `$a${r}${o}`;

/** The inner loop of a tile of `rows` × 4 outputs: one pass over the panel's column blocks. */
function tileLoop(rows: number): string {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(`(local.set $x${r} (v128.load (local.get $xp${r})))`);
  for (let o = 0; o < 4; o++) {
    lines.push(`(local.set $wv (v128.load offset=${o * 16} (local.get $wp)))`);
    for (let r = 0; r < rows; r++) lines.push(`(local.set ${acc(r, o)} (f32x4.add (local.get ${acc(r, o)}) (f32x4.mul (local.get $x${r}) (local.get $wv))))`);
  }
  for (let r = 0; r < rows; r++) lines.push(`(local.set $xp${r} (i32.add (local.get $xp${r}) (i32.const 16)))`);
  lines.push('(local.set $wp (i32.add (local.get $wp) (i32.const 64)))');
  return lines.join('\n          ');
}

/** A tile function: `rows` rows (1 or 2) of x against one panel's 4 outputs. */
function tile(rows: number): string {
  const locals: string[] = ['(local $wp i32) (local $wv v128) (local $end i32) (local $b i32)'];
  for (let r = 0; r < rows; r++) locals.push(`(local $xp${r} i32) (local $x${r} v128)`);
  for (let r = 0; r < rows; r++) for (let o = 0; o < 4; o++) locals.push(`(local ${acc(r, o)} v128)`);
  const setup: string[] = [];
  for (let r = 0; r < rows; r++) setup.push(`(local.set $xp${r} (i32.add (local.get $x) (i32.mul (i32.const ${r}) (i32.shl (local.get $n) (i32.const 2)))))`);
  const finish: string[] = [];
  const biased: string[] = [];
  const plain: string[] = [];
  for (let r = 0; r < rows; r++) {
    const at = `(i32.add (local.get $out) (i32.shl (i32.add (i32.mul (i32.add (local.get $row) (i32.const ${r})) (local.get $m)) (local.get $o0)) (i32.const 2)))`;
    for (let o = 0; o < 4; o++) {
      finish.push(
        `(call $finish (local.get ${acc(r, o)}) (local.get $xp${r}) (i32.add (local.get $wp) (i32.mul (i32.const ${o}) (local.get $tail4))) (local.get $tail)` +
          ` (local.get $bias) (i32.add (local.get $o0) (i32.const ${o})) (local.get $m) (i32.add ${at} (i32.const ${o * 4})))`,
      );
      biased.push(`(f32.store offset=${o * 4} ${at} (f32.add ${lanes(acc(r, o))} (f32.load offset=${o * 4} (local.get $b))))`);
      plain.push(`(f32.store offset=${o * 4} ${at} ${lanes(acc(r, o))})`);
    }
  }
  return `
  ;; Rows row … row+${rows - 1} of x [rows, n] against panel w (outputs o0 … o0+3; those ≥ m are not stored).
  (func $tile${rows} (param $out i32) (param $x i32) (param $w i32) (param $bias i32) (param $n i32) (param $m i32)
      (param $row i32) (param $o0 i32) (param $tail i32) (param $tail4 i32)
    ${locals.join(' ')}
    ${setup.join('\n    ')}
    (local.set $wp (local.get $w))
    ;; the column blocks, as a loop that tests at its end (one branch a block)
    (local.set $end (i32.add (local.get $w) (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 6))))
    (if (i32.lt_u (local.get $wp) (local.get $end))
      (then
        (loop $columns
          ${tileLoop(rows)}
          (br_if $columns (i32.lt_u (local.get $wp) (local.get $end))))))
    ;; The usual case, no tail columns and four real outputs, is stored here, summed as $finish sums.
    (if (i32.and (i32.eqz (local.get $tail)) (i32.le_u (i32.add (local.get $o0) (i32.const 4)) (local.get $m)))
      (then
        (if (local.get $bias)
          (then
            (local.set $b (i32.add (local.get $bias) (i32.shl (local.get $o0) (i32.const 2))))
            ${biased.join('\n            ')})
          (else
            ${plain.join('\n            ')}))
        (return)))
    ${finish.join('\n    ')})`;
}

export const LINEAR_WAT = `
  ;; One output: the accumulator's lanes summed, then the tail columns, then the bias; stored if o < m.
  ;; xp and wp point at the tail columns of the x row and of this output's weight row.
  (func $finish (param $a v128) (param $xp i32) (param $wp i32) (param $tail i32) (param $bias i32) (param $o i32) (param $m i32) (param $at i32)
    (local $s f32) (local $t i32)
    (local.set $s ${lanes('$a')})
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $t) (local.get $tail)))
        (local.set $s (f32.add (local.get $s) (f32.mul
          (f32.load (i32.add (local.get $xp) (i32.shl (local.get $t) (i32.const 2))))
          (f32.load (i32.add (local.get $wp) (i32.shl (local.get $t) (i32.const 2)))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tail)))
    (if (i32.lt_u (local.get $o) (local.get $m))
      (then
        (if (local.get $bias)
          (then (local.set $s (f32.add (local.get $s) (f32.load (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2))))))))
        (f32.store (local.get $at) (local.get $s)))))
${tile(2)}
${tile(1)}

  ;; Panel p of one map: rows of x two at a time, then the last one.
  (func $panel (param $out i32) (param $x i32) (param $rows i32) (param $n i32) (param $m i32) (param $w i32) (param $bias i32) (param $p i32)
    (local $row i32) (local $panel i32) (local $tail i32) (local $tail4 i32) (local $stride i32)
    (local.set $tail (i32.and (local.get $n) (i32.const 3)))
    (local.set $tail4 (i32.shl (local.get $tail) (i32.const 2)))
    (local.set $stride (i32.shl (local.get $n) (i32.const 2)))
    ;; panel p starts 4n floats after panel p-1
    (local.set $panel (i32.add (local.get $w) (i32.mul (local.get $p) (i32.shl (local.get $stride) (i32.const 2)))))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $row) (i32.const 2)) (local.get $rows)))
        (call $tile2 (local.get $out) (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $stride))) (local.get $panel)
          (local.get $bias) (local.get $n) (local.get $m) (local.get $row) (i32.shl (local.get $p) (i32.const 2)) (local.get $tail) (local.get $tail4))
        (local.set $row (i32.add (local.get $row) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $row) (local.get $rows))
      (then
        (call $tile1 (local.get $out) (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $stride))) (local.get $panel)
          (local.get $bias) (local.get $n) (local.get $m) (local.get $row) (i32.shl (local.get $p) (i32.const 2)) (local.get $tail) (local.get $tail4)))))

  ;; Up to three maps of one input x [rows, n], out_j [rows, m_j] = x · W_jᵀ + b_j, in one task. The
  ;; table holds 16 bytes a map: out, w, bias (0: none), m. Their panels, one after another, are shared
  ;; out through the counter: each thread takes \`chunk\` panels at a time until all are done.
  (func (export "linear") (param $thread i32) (param $x i32) (param $rows i32) (param $n i32) (param $table i32) (param $maps i32)
      (param $counter i32) (param $chunk i32)
    (local $p i32) (local $end i32) (local $panels i32) (local $j i32) (local $first i32) (local $count i32) (local $entry i32)
    (local.set $j (local.get $maps))
    (local.set $entry (local.get $table))
    (block $counted
      (loop $count
        (br_if $counted (i32.eqz (local.get $j)))
        (local.set $panels (i32.add (local.get $panels) (i32.shr_u (i32.add (i32.load offset=12 (local.get $entry)) (i32.const 3)) (i32.const 2))))
        (local.set $entry (i32.add (local.get $entry) (i32.const 16)))
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $count)))
    (block $finished
      (loop $grab
        (local.set $p (i32.atomic.rmw.add (local.get $counter) (local.get $chunk)))
        (br_if $finished (i32.ge_u (local.get $p) (local.get $panels)))
        (local.set $end (i32.add (local.get $p) (local.get $chunk)))
        (if (i32.gt_u (local.get $end) (local.get $panels)) (then (local.set $end (local.get $panels))))
        (block $chunkDone
          (loop $panelLoop
            (br_if $chunkDone (i32.ge_u (local.get $p) (local.get $end)))
            ;; the map panel p belongs to, and its index there
            (local.set $entry (local.get $table))
            (local.set $first (i32.const 0))
            (block $found
              (loop $find
                (local.set $count (i32.shr_u (i32.add (i32.load offset=12 (local.get $entry)) (i32.const 3)) (i32.const 2)))
                (br_if $found (i32.lt_u (i32.sub (local.get $p) (local.get $first)) (local.get $count)))
                (local.set $first (i32.add (local.get $first) (local.get $count)))
                (local.set $entry (i32.add (local.get $entry) (i32.const 16)))
                (br $find)))
            (call $panel (i32.load (local.get $entry)) (local.get $x) (local.get $rows) (local.get $n) (i32.load offset=12 (local.get $entry))
              (i32.load offset=4 (local.get $entry)) (i32.load offset=8 (local.get $entry)) (i32.sub (local.get $p) (local.get $first)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $panelLoop)))
        (br $grab))))
`;

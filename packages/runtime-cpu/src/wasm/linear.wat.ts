// WebAssembly text of the dense layer: out [rows, m] = x [rows, n] · Wᵀ + b over weights packed in panels.
//
// Panel layout (see Arena.pack in ../arena.ts): the weight rows 4p … 4p+3 form panel p, stored as
// n/4 blocks of 4 rows × 4 columns, then the last n % 4 columns of each of the 4 rows. A panel is 4n
// weights, read front to back: one stream per job. Weights are kept in one of three formats:
// - f32: a block is 64 bytes, row 0's four columns, then row 1's …;
// - bf16 and f16: a block is 32 bytes, rows 0 and 1 interleaved (row 0 column j, row 1 column j, for
//   j = 0 … 3), then rows 2 and 3 the same way, so one 32-bit lane holds a column of two rows and
//   a shift or a mask turns four of them into an f32x4; tail columns are 16-bit too.
// Arithmetic is f32 in every format: a 16-bit weight is widened exactly before it is multiplied.
//
// Every output element is summed in the same order whatever the number of rows, the tile it falls in
// or the thread that computes it: lane l of an f32x4 accumulator sums columns l, l+4, l+8 …; then
// (lane0 + lane1) + (lane2 + lane3), then the n % 4 tail columns in order, then the bias. So one
// token decoded alone gives bit for bit the logits it gets inside a prompt, and a 16-bit matrix gives
// the bits its f32 widening gives.
import type { WeightFormat } from '@tdl/runtime';
import { lanes } from './lanes.js';

/** How a packed matrix keeps its weights; the index is what the `linear` export takes as its format. */
/** The formats in the order of the kernel's table: a format's index is what the kernel is passed. */
export const FORMAT_TABLE = ['f32', 'bf16', 'f16'] as const satisfies readonly WeightFormat[];

/** log2 of the bytes of one weight. */
const SHIFT: Record<WeightFormat, number> = { f32: 2, bf16: 1, f16: 1 };

/** 2^112: an f16's exponent and fraction, shifted into an f32's place, times this is the f16's value. */
const F16_SCALE = String(2 ** 112);

/** Names the accumulator of tile row `r`, output `o`. */
const acc = (r: number, o: number) => `$a${r}${o}`;

/**
 * Weight row `o` (0 … 3) of the current column block as an f32x4. For 16-bit formats $pair holds rows
 * 0 and 1, or 2 and 3 (the even row in the low half of each 32-bit lane).
 */
function weightVector(format: WeightFormat, o: number): string {
  if (format === 'f32') return `(v128.load offset=${o * 16} (local.get $wp))`;
  const pair = '(local.get $pair)';
  const low = o % 2 === 0;
  if (format === 'bf16') return low ? `(i32x4.shl ${pair} (i32.const 16))` : `(v128.and ${pair} (local.get $high))`;
  // f16: the code put in the top half of the lane and shifted right by 3 with its sign, so the sign lands
  // in bit 31 (and 30 … 28, cleared by the mask) and exponent and fraction in bits 27 … 13: an f32 of
  // the f16's value × 2^-112, made exact by multiplying by 2^112 (subnormals included). Infinities and
  // NaNs are refused when the matrix is packed.
  const top = low ? `(i32x4.shl ${pair} (i32.const 16))` : pair;
  return `(f32x4.mul (v128.and (i32x4.shr_s ${top} (i32.const 3)) (local.get $magnitude)) (local.get $scale))`;
}

/** The locals and their set-up that a format's weight vectors use. */
function formatLocals(format: WeightFormat): { locals: string; setup: string } {
  if (format === 'f32') return { locals: '', setup: '' };
  if (format === 'bf16') {
    return { locals: '(local $pair v128) (local $high v128)', setup: '(local.set $high (v128.const i32x4 -65536 -65536 -65536 -65536))' };
  }
  return {
    locals: '(local $pair v128) (local $magnitude v128) (local $scale v128)',
    setup: [
      '(local.set $magnitude (v128.const i32x4 0x8fffe000 0x8fffe000 0x8fffe000 0x8fffe000))',
      `(local.set $scale (f32x4.splat (f32.const ${F16_SCALE})))`,
    ].join('\n    '),
  };
}

/** One tail weight at byte address `at` as an f32. */
function tailWeight(format: WeightFormat, at: string): string {
  if (format === 'f32') return `(f32.load ${at})`;
  if (format === 'bf16') return `(f32.reinterpret_i32 (i32.shl (i32.load16_u ${at}) (i32.const 16)))`;
  return (
    `(f32.copysign (f32.mul (f32.reinterpret_i32 (i32.shl (i32.and (local.tee $h (i32.load16_u ${at})) (i32.const 0x7fff)) (i32.const 13)))` +
    ` (f32.const ${F16_SCALE})) (f32.reinterpret_i32 (i32.shl (local.get $h) (i32.const 16))))`
  );
}

/** The inner loop of a tile of `rows` × 4 outputs: one pass over the panel's column blocks. */
function tileLoop(format: WeightFormat, rows: number): string {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(`(local.set $x${r} (v128.load (local.get $xp${r})))`);
  for (let o = 0; o < 4; o++) {
    // 16-bit formats: rows 0 and 1 come in one vector, rows 2 and 3 in the next (loaded when needed).
    if (format !== 'f32' && o % 2 === 0) lines.push(`(local.set $pair (v128.load offset=${o * 8} (local.get $wp)))`);
    lines.push(`(local.set $wv ${weightVector(format, o)})`);
    for (let r = 0; r < rows; r++) lines.push(`(local.set ${acc(r, o)} (f32x4.add (local.get ${acc(r, o)}) (f32x4.mul (local.get $x${r}) (local.get $wv))))`);
  }
  for (let r = 0; r < rows; r++) lines.push(`(local.set $xp${r} (i32.add (local.get $xp${r}) (i32.const 16)))`);
  lines.push(`(local.set $wp (i32.add (local.get $wp) (i32.const ${16 << SHIFT[format]})))`);
  return lines.join('\n          ');
}

/** A tile function: `rows` rows (1 or 2) of x against one panel's 4 outputs. */
function tile(format: WeightFormat, rows: number): string {
  const own = formatLocals(format);
  const locals: string[] = ['(local $wp i32) (local $wv v128) (local $end i32) (local $b i32)', own.locals];
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
        `(call $finish_${format} (local.get ${acc(r, o)}) (local.get $xp${r}) (i32.add (local.get $wp) (i32.mul (i32.const ${o}) (local.get $tailBytes))) (local.get $tail)` +
          ` (local.get $bias) (i32.add (local.get $o0) (i32.const ${o})) (local.get $m) (i32.add ${at} (i32.const ${o * 4})))`,
      );
      biased.push(`(f32.store offset=${o * 4} ${at} (f32.add ${lanes(acc(r, o))} (f32.load offset=${o * 4} (local.get $b))))`);
      plain.push(`(f32.store offset=${o * 4} ${at} ${lanes(acc(r, o))})`);
    }
  }
  return `
  ;; Rows row … row+${rows - 1} of x [rows, n] against panel w of ${format} weights (outputs o0 … o0+3; those ≥ m are not stored).
  (func $tile${rows}_${format} (param $out i32) (param $x i32) (param $w i32) (param $bias i32) (param $n i32) (param $m i32)
      (param $row i32) (param $o0 i32) (param $tail i32) (param $tailBytes i32)
    ${locals.filter(Boolean).join(' ')}
    ${own.setup}
    ${setup.join('\n    ')}
    (local.set $wp (local.get $w))
    ;; the column blocks, as a loop that tests at its end (one branch a block)
    (local.set $end (i32.add (local.get $w) (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const ${4 + SHIFT[format]}))))
    (if (i32.lt_u (local.get $wp) (local.get $end))
      (then
        (loop $columns
          ${tileLoop(format, rows)}
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

/** The functions of one weight format: $finish, the two tiles and $panel, all suffixed with the format. */
function formatFunctions(format: WeightFormat): string {
  const shift = SHIFT[format];
  return `
  ;; One output: the accumulator's lanes summed, then the tail columns, then the bias; stored if o < m.
  ;; xp and wp point at the tail columns of the x row and of this output's ${format} weight row.
  (func $finish_${format} (param $a v128) (param $xp i32) (param $wp i32) (param $tail i32) (param $bias i32) (param $o i32) (param $m i32) (param $at i32)
    (local $s f32) (local $t i32) (local $h i32)
    (local.set $s ${lanes('$a')})
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $t) (local.get $tail)))
        (local.set $s (f32.add (local.get $s) (f32.mul
          (f32.load (i32.add (local.get $xp) (i32.shl (local.get $t) (i32.const 2))))
          ${tailWeight(format, `(i32.add (local.get $wp) (i32.shl (local.get $t) (i32.const ${shift})))`)})))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tail)))
    (if (i32.lt_u (local.get $o) (local.get $m))
      (then
        (if (local.get $bias)
          (then (local.set $s (f32.add (local.get $s) (f32.load (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2))))))))
        (f32.store (local.get $at) (local.get $s)))))
${format === 'f32' ? `${tile(format, 2)}\n${tile(format, 1)}\n${f32Rows()}` : `${tile(format, 1)}\n${widen(format)}`}

  ;; Panel p of one map of ${format} weights (4n of them after panel p-1) against every row of x.${
    format === 'f32'
      ? ''
      : `
  ;; One row reads the panel as it is; more widen it once into this thread's scratch (4n floats) and
  ;; run the f32 tiles there, with the same bits (widening is exact, the sums keep their order).`
  }
  (func $panel_${format} (param $out i32) (param $x i32) (param $rows i32) (param $n i32) (param $m i32) (param $w i32) (param $bias i32) (param $p i32)
      (param $scratch i32)
    (local $panel i32)
    (local.set $panel (i32.add (local.get $w) (i32.mul (local.get $p) (i32.shl (local.get $n) (i32.const ${2 + shift})))))
    ${
      format === 'f32'
        ? '(call $rows_f32 (local.get $out) (local.get $x) (local.get $rows) (local.get $n) (local.get $m) (local.get $panel) (local.get $bias) (i32.shl (local.get $p) (i32.const 2)))'
        : `(if (i32.eq (local.get $rows) (i32.const 1))
      (then
        (call $tile1_${format} (local.get $out) (local.get $x) (local.get $panel) (local.get $bias) (local.get $n) (local.get $m) (i32.const 0)
          (i32.shl (local.get $p) (i32.const 2)) (i32.and (local.get $n) (i32.const 3)) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const ${shift}))))
      (else
        (call $widen_${format} (local.get $panel) (local.get $scratch) (local.get $n))
        (call $rows_f32 (local.get $out) (local.get $x) (local.get $rows) (local.get $n) (local.get $m) (local.get $scratch) (local.get $bias)
          (i32.shl (local.get $p) (i32.const 2)))))`
    })`;
}

/** Every row of x against one f32 panel (outputs o0 … o0+3): rows two at a time, then the last one. */
function f32Rows(): string {
  return `
  (func $rows_f32 (param $out i32) (param $x i32) (param $rows i32) (param $n i32) (param $m i32) (param $panel i32) (param $bias i32) (param $o0 i32)
    (local $row i32) (local $tail i32) (local $tailBytes i32) (local $stride i32)
    (local.set $tail (i32.and (local.get $n) (i32.const 3)))
    (local.set $tailBytes (i32.shl (local.get $tail) (i32.const 2)))
    (local.set $stride (i32.shl (local.get $n) (i32.const 2)))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $row) (i32.const 2)) (local.get $rows)))
        (call $tile2_f32 (local.get $out) (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $stride))) (local.get $panel)
          (local.get $bias) (local.get $n) (local.get $m) (local.get $row) (local.get $o0) (local.get $tail) (local.get $tailBytes))
        (local.set $row (i32.add (local.get $row) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $row) (local.get $rows))
      (then
        (call $tile1_f32 (local.get $out) (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $stride))) (local.get $panel)
          (local.get $bias) (local.get $n) (local.get $m) (local.get $row) (local.get $o0) (local.get $tail) (local.get $tailBytes)))))`;
}

/** A 16-bit panel of 4n weights at src written out as the f32 panel layout at dst. */
function widen(format: WeightFormat): string {
  const own = formatLocals(format);
  const stores: string[] = [];
  for (let o = 0; o < 4; o++) {
    if (o % 2 === 0) stores.push(`(local.set $pair (v128.load offset=${o * 8} (local.get $src)))`);
    stores.push(`(v128.store offset=${o * 16} (local.get $dst) ${weightVector(format, o)})`);
  }
  return `
  ;; Panel src of ${format} weights, n columns, widened into the f32 layout at dst.
  (func $widen_${format} (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32) (local $t i32) (local $count i32) (local $h i32) ${own.locals}
    ${own.setup}
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 5))))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $src) (local.get $end)))
        ${stores.join('\n        ')}
        (local.set $src (i32.add (local.get $src) (i32.const 32)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br $blocks)))
    ;; the tail columns: 4 rows × (n % 4), row after row in both layouts
    (local.set $count (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $t) (local.get $count)))
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $t) (i32.const 2)))
          ${tailWeight(format, '(i32.add (local.get $src) (i32.shl (local.get $t) (i32.const 1)))')})
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tail))))`;
}

/** Calls the $panel function of the format in local $format: f32 (0), bf16 (1) or f16 (2). */
function panelByFormat(): string {
  const args =
    '(i32.load (local.get $entry)) (local.get $x) (local.get $rows) (local.get $n) (i32.load offset=12 (local.get $entry))' +
    ' (i32.load offset=4 (local.get $entry)) (i32.load offset=8 (local.get $entry)) (i32.sub (local.get $p) (local.get $first))' +
    ' (i32.add (local.get $scratch) (i32.mul (local.get $thread) (i32.shl (local.get $n) (i32.const 4))))';
  const call = (format: WeightFormat) => `(call $panel_${format} ${args})`;
  return `(if (i32.eqz (local.get $format))
              (then ${call('f32')})
              (else (if (i32.eq (local.get $format) (i32.const 1))
                (then ${call('bf16')})
                (else ${call('f16')}))))`;
}

export const LINEAR_WAT = `
${FORMAT_TABLE.map(formatFunctions).join('\n')}

  ;; Up to three maps of one input x [rows, n], out_j [rows, m_j] = x · W_jᵀ + b_j, in one task; their
  ;; weights are all in one format (an index into FORMAT_TABLE); 16-bit formats widen panels into
  ;; scratch, 16n bytes a thread, when x has more than one row. The table holds 16 bytes a map: out,
  ;; w, bias (0: none), m. Their panels, one after another, are shared out through the counter: each
  ;; thread takes \`chunk\` panels at a time until all are done.
  (func (export "linear") (param $thread i32) (param $x i32) (param $rows i32) (param $n i32) (param $table i32) (param $maps i32)
      (param $counter i32) (param $chunk i32) (param $format i32) (param $scratch i32)
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
            ${panelByFormat()}
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $panelLoop)))
        (br $grab))))
`;

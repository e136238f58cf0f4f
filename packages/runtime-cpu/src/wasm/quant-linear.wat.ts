// WebAssembly text of the dense layer over ggml's block formats: out [rows, m] = x [rows, n] · Wᵀ, with W
// [m, n] kept as the packed blocks a GGUF file stores (row after row, n/32 blocks a row), never widened
// into an f32 copy.
//
// Block formats (see @tdl/runtime's quant/): Q8_0 is 34 bytes, an f16 scale d then 32 int8 codes q, the
// weight q·d; Q4_0 is 18 bytes, d then 16 bytes whose low nibbles are weights 0–15 and high nibbles
// weights 16–31, the weight (nibble − 8)·d. A block's codes are widened to f32x4 groups (int8 → i16 → i32
// → f32, exact); the block's products with x are summed first and multiplied by d once, so the matrix
// costs about one multiply-add per weight, as the f32 kernel does, on a quarter (Q8_0) or an eighth
// (Q4_0) of the bytes.
//
// Summation order, fixed whatever the number of rows or threads: for output o and a row of x, an f32x4
// accumulator starts at 0 and for each block b in turn adds ((e + u) · d_b), where e sums x·q over the
// block's even groups of four columns (0, 2, 4, 6), u over its odd ones, lane by lane, in order; lane l
// of a group holds column 4g + l. The result is (lane0 + lane1) + (lane2 + lane3). This is not the f32
// kernel's order on the dequantized matrix, so the two differ by rounding only; the tests state how much.
//
// Work: a tile is 4 weight rows (outputs o0 … o0+3, four independent accumulator chains) against one or
// two rows of x; a thread takes `chunk` groups of 4 outputs at a time from the shared counter, and runs
// the x rows two at a time, then the last one, so a weight row is read once per two rows of prefill.
import { lanes } from './lanes.js';

/** The block formats in the order of the kernel's table: a format's index is what `linear_q` is passed. */
export const QUANT_FORMAT_TABLE = ['q8_0', 'q4_0'] as const;
export type QuantFormat = (typeof QUANT_FORMAT_TABLE)[number];

/** Bytes of one block of 32 weights. */
export const QUANT_BLOCK_BYTES: Record<QuantFormat, number> = { q8_0: 34, q4_0: 18 };

/** 2^112: an f16's exponent and fraction, shifted into an f32's place, times this is the f16's value. */
const F16_SCALE = String(2 ** 112);

const acc = (r: number, k: number) => `$a${r}${k}`;

/** The f16 scale at the start of the block at $wp{k}, splatted (an f16 with exponent 31 is refused on load). */
function scale(k: number): string {
  const h = `(i32.load16_u (local.get $wp${k}))`;
  return (
    `(local.set $h ${h})\n          (local.set $d (f32x4.splat (f32.copysign (f32.mul (f32.reinterpret_i32 (i32.shl (i32.and (local.get $h) (i32.const 0x7fff)) (i32.const 13)))` +
    ` (f32.const ${F16_SCALE})) (f32.reinterpret_i32 (i32.shl (local.get $h) (i32.const 16))))))`
  );
}

/** Group g (weights 4g … 4g+3) of output k's block times x, added into every row's even or odd block sum. */
function use(rows: number, g: number, weights: string): string[] {
  const lines = [`(local.set $wv (f32x4.convert_i32x4_s ${weights}))`];
  for (let r = 0; r < rows; r++) {
    const sum = `$${g % 2 ? 'u' : 'e'}${r}`;
    const product = `(f32x4.mul (v128.load offset=${16 * g} (local.get $xp${r})) (local.get $wv))`;
    lines.push(g < 2 ? `(local.set ${sum} ${product})` : `(local.set ${sum} (f32x4.add (local.get ${sum}) ${product}))`);
  }
  return lines;
}

/** The block's sums, times its scale, added into output k's accumulators. */
function finishBlock(rows: number, k: number): string[] {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    lines.push(`(local.set ${acc(r, k)} (f32x4.add (local.get ${acc(r, k)}) (f32x4.mul (f32x4.add (local.get $e${r}) (local.get $u${r})) (local.get $d))))`);
  }
  return lines;
}

/** One block of output k: its 32 codes widened group by group, each group used at once. */
function block(format: QuantFormat, rows: number, k: number): string[] {
  const lines = [scale(k)];
  if (format === 'q8_0') {
    // 8 codes at a time as i16x8, split into two i32x4 groups
    for (let h = 0; h < 4; h++) {
      lines.push(`(local.set $q (v128.load8x8_s offset=${2 + 8 * h} (local.get $wp${k})))`);
      lines.push(...use(rows, 2 * h, '(i32x4.extend_low_i16x8_s (local.get $q))'));
      lines.push(...use(rows, 2 * h + 1, '(i32x4.extend_high_i16x8_s (local.get $q))'));
    }
    return [...lines, ...finishBlock(rows, k)];
  }
  // q4_0: the 16 bytes once; low nibbles are weights 0–15, high nibbles 16–31, each minus 8 as int8
  lines.push(`(local.set $q (v128.load offset=2 (local.get $wp${k})))`);
  lines.push('(local.set $lo (i8x16.sub (v128.and (local.get $q) (local.get $nibble)) (local.get $eight)))');
  lines.push('(local.set $hi (i8x16.sub (i8x16.shr_u (local.get $q) (i32.const 4)) (local.get $eight)))');
  for (const [half, codes] of [
    [0, '$lo'],
    [1, '$hi'],
  ] as const) {
    for (const [part, extend] of [
      [0, 'i16x8.extend_low_i8x16_s'],
      [1, 'i16x8.extend_high_i8x16_s'],
    ] as const) {
      lines.push(`(local.set $q16 (${extend} (local.get ${codes})))`);
      const g = 4 * half + 2 * part;
      lines.push(...use(rows, g, '(i32x4.extend_low_i16x8_s (local.get $q16))'));
      lines.push(...use(rows, g + 1, '(i32x4.extend_high_i16x8_s (local.get $q16))'));
    }
  }
  return [...lines, ...finishBlock(rows, k)];
}

/** A tile function: `rows` rows (1 or 2) of x against weight rows o0 … o0+3 (those ≥ m read row m−1, not stored). */
function tile(format: QuantFormat, rows: number): string {
  const bytes = QUANT_BLOCK_BYTES[format];
  const locals = ['(local $end i32) (local $h i32) (local $d v128) (local $wv v128) (local $q v128) (local $rowBytes i32)'];
  if (format === 'q4_0') locals.push('(local $lo v128) (local $hi v128) (local $q16 v128) (local $nibble v128) (local $eight v128)');
  for (let k = 0; k < 4; k++) locals.push(`(local $wp${k} i32)`);
  for (let r = 0; r < rows; r++) locals.push(`(local $xp${r} i32) (local $e${r} v128) (local $u${r} v128)`);
  for (let r = 0; r < rows; r++) for (let k = 0; k < 4; k++) locals.push(`(local ${acc(r, k)} v128)`);
  const setup = [`(local.set $rowBytes (i32.mul (i32.shr_u (local.get $n) (i32.const 5)) (i32.const ${bytes})))`];
  if (format === 'q4_0') setup.push('(local.set $nibble (v128.const i32x4 0x0f0f0f0f 0x0f0f0f0f 0x0f0f0f0f 0x0f0f0f0f))', '(local.set $eight (v128.const i32x4 0x08080808 0x08080808 0x08080808 0x08080808))');
  for (let k = 0; k < 4; k++) {
    const row = `(select (i32.add (local.get $o0) (i32.const ${k})) (i32.sub (local.get $m) (i32.const 1)) (i32.lt_u (i32.add (local.get $o0) (i32.const ${k})) (local.get $m)))`;
    setup.push(`(local.set $wp${k} (i32.add (local.get $w) (i32.mul ${row} (local.get $rowBytes))))`);
  }
  for (let r = 0; r < rows; r++) setup.push(`(local.set $xp${r} (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (local.get $row) (i32.const ${r})) (local.get $n)) (i32.const 2))))`);
  setup.push('(local.set $end (i32.add (local.get $wp0) (local.get $rowBytes)))');
  const body: string[] = [];
  for (let k = 0; k < 4; k++) body.push(...block(format, rows, k));
  for (let k = 0; k < 4; k++) body.push(`(local.set $wp${k} (i32.add (local.get $wp${k}) (i32.const ${bytes})))`);
  for (let r = 0; r < rows; r++) body.push(`(local.set $xp${r} (i32.add (local.get $xp${r}) (i32.const 128)))`);
  const stores: string[] = [];
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 4; k++) {
      const at = `(i32.add (local.get $out) (i32.shl (i32.add (i32.mul (i32.add (local.get $row) (i32.const ${r})) (local.get $m)) (i32.add (local.get $o0) (i32.const ${k}))) (i32.const 2)))`;
      stores.push(`(if (i32.lt_u (i32.add (local.get $o0) (i32.const ${k})) (local.get $m)) (then (f32.store ${at} ${lanes(acc(r, k))})))`);
    }
  }
  return `
  ;; Rows row … row+${rows - 1} of x [rows, n] against the ${format} rows o0 … o0+3 of W [m, n].
  (func $qtile${rows}_${format} (param $out i32) (param $x i32) (param $n i32) (param $m i32) (param $w i32) (param $row i32) (param $o0 i32)
    ${locals.join(' ')}
    ${setup.join('\n    ')}
    ;; the blocks of the row, as a loop that tests at its end (n ≥ 32)
    (loop $blocks
      ${body.join('\n      ')}
      (br_if $blocks (i32.lt_u (local.get $wp0) (local.get $end))))
    ${stores.join('\n    ')})`;
}

/** Outputs o0 … o0+3 for every row of x: rows two at a time, then the last one. */
function group(format: QuantFormat): string {
  return `
  (func $qgroup_${format} (param $out i32) (param $x i32) (param $rows i32) (param $n i32) (param $m i32) (param $w i32) (param $o0 i32)
    (local $row i32)
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $row) (i32.const 2)) (local.get $rows)))
        (call $qtile2_${format} (local.get $out) (local.get $x) (local.get $n) (local.get $m) (local.get $w) (local.get $row) (local.get $o0))
        (local.set $row (i32.add (local.get $row) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $row) (local.get $rows))
      (then (call $qtile1_${format} (local.get $out) (local.get $x) (local.get $n) (local.get $m) (local.get $w) (local.get $row) (local.get $o0)))))`;
}

export const QUANT_LINEAR_WAT = `
${QUANT_FORMAT_TABLE.map((f) => `${tile(f, 1)}\n${tile(f, 2)}\n${group(f)}`).join('\n')}

  ;; out [rows, m] = x [rows, n] · Wᵀ for W [m, n] in a block format (an index into QUANT_FORMAT_TABLE),
  ;; n a multiple of 32. The groups of 4 outputs are shared out through the counter: each thread takes
  ;; \`chunk\` groups at a time until all are done.
  (func (export "linear_q") (param $thread i32) (param $out i32) (param $x i32) (param $rows i32) (param $n i32) (param $m i32)
      (param $w i32) (param $format i32) (param $counter i32) (param $chunk i32)
    (local $g i32) (local $end i32) (local $groups i32)
    (local.set $groups (i32.shr_u (i32.add (local.get $m) (i32.const 3)) (i32.const 2)))
    (block $finished
      (loop $grab
        (local.set $g (i32.atomic.rmw.add (local.get $counter) (local.get $chunk)))
        (br_if $finished (i32.ge_u (local.get $g) (local.get $groups)))
        (local.set $end (i32.add (local.get $g) (local.get $chunk)))
        (if (i32.gt_u (local.get $end) (local.get $groups)) (then (local.set $end (local.get $groups))))
        (block $chunkDone
          (loop $groupLoop
            (br_if $chunkDone (i32.ge_u (local.get $g) (local.get $end)))
            (if (i32.eqz (local.get $format))
              (then (call $qgroup_q8_0 (local.get $out) (local.get $x) (local.get $rows) (local.get $n) (local.get $m) (local.get $w) (i32.shl (local.get $g) (i32.const 2))))
              (else (call $qgroup_q4_0 (local.get $out) (local.get $x) (local.get $rows) (local.get $n) (local.get $m) (local.get $w) (i32.shl (local.get $g) (i32.const 2)))))
            (local.set $g (i32.add (local.get $g) (i32.const 1)))
            (br $groupLoop)))
        (br $grab))))
`;

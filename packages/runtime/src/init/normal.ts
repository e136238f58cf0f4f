// Seeded standard normal samples in bulk, for random weights: Marsaglia and Tsang's ziggurat ("The
// Ziggurat Method for Generating Random Variables", 2000) with 128 layers over xoshiro128** words. Nearly
// every sample costs one 32-bit word, a table lookup, a compare and a multiply; the rare rest (the layer
// edges, the tail beyond r) take the exact slow path, so the samples are exactly normal, not an
// approximation. The same seed gives the same samples on every engine (integer arithmetic, f64 tables).

const LAYERS = 128;
/** Where the tail starts, and the area of each layer (the paper's constants for 128 layers). */
const R = 3.442619855899;
const AREA = 9.91256303526217e-3;
const M = 2147483648; // 2^31: the words are signed 32-bit values

/** kn: the layer's fast-accept bound on |word|; wn: word → x scale; fn: f(x) at each layer's edge. */
const kn = new Uint32Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  let dn = R;
  let tn = dn;
  const q = AREA / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * M);
  kn[1] = 0;
  wn[0] = q / M;
  wn[LAYERS - 1] = dn / M;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(AREA / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * M);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / M;
  }
}

/** A stream of seeded normal samples (its state is xoshiro128**, seeded by splitmix32 as `Rng` is). */
export class NormalStream {
  private readonly s = new Uint32Array(4);

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** The next word, a signed 32-bit integer. */
  private word(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) | 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform in (0, 1). */
  private uniform(): number {
    return ((this.word() >>> 0) + 0.5) / 4294967296;
  }

  /** Fills `out` with normal samples of standard deviation `std`. */
  fill(out: Float32Array, std: number): void {
    const s = this.s;
    // The state in locals for the fast path (word() inlined); stored back around each slow step.
    let s0 = s[0]!;
    let s1 = s[1]!;
    let s2 = s[2]!;
    let s3 = s[3]!;
    for (let k = 0; k < out.length; k++) {
      const j = Math.imul(rotl(Math.imul(s1, 5), 7), 9) | 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const i = j & (LAYERS - 1);
      if (Math.abs(j) < kn[i]!) {
        out[k] = j * wn[i]! * std;
        continue;
      }
      s.set([s0, s1, s2, s3]);
      out[k] = this.edge(j, i) * std;
      [s0, s1, s2, s3] = [s[0]!, s[1]!, s[2]!, s[3]!];
    }
    s.set([s0, s1, s2, s3]);
  }

  /** The slow path: the tail beyond R (layer 0), or a point near a layer's curved edge. */
  private edge(j: number, i: number): number {
    for (;;) {
      if (i === 0) {
        // The tail: Marsaglia's method for x > R.
        let x: number;
        let y: number;
        do {
          x = -Math.log(this.uniform()) / R;
          y = -Math.log(this.uniform());
        } while (y + y < x * x);
        return j > 0 ? R + x : -R - x;
      }
      const x = j * wn[i]!;
      if (fn[i]! + this.uniform() * (fn[i - 1]! - fn[i]!) < Math.exp(-0.5 * x * x)) return x;
      j = this.word();
      i = j & (LAYERS - 1);
      if (Math.abs(j) < kn[i]!) return j * wn[i]!;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

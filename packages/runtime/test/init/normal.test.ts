// The ziggurat's samples against the normal distribution itself: the CDF (by erf, Abramowitz and Stegun
// 7.1.26, |error| < 1.5e-7) at every sample (Kolmogorov–Smirnov), the moments, and the mass of the tail
// beyond the ziggurat's base, which only the slow path draws; and the stream is a function of its seed.
import { describe, expect, it } from 'vitest';
import { initWeights } from '../../src/index.js';
import { NormalStream } from '../../src/init/normal.js';

function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
const cdf = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));

const N = 1_000_000;
const samples = new Float32Array(N);
new NormalStream(12345).fill(samples, 1);

describe('NormalStream', () => {
  it('draws the standard normal: Kolmogorov–Smirnov distance below the 1% critical value', () => {
    const sorted = Float64Array.from(samples).sort();
    let d = 0;
    for (let i = 0; i < N; i++) d = Math.max(d, Math.abs(cdf(sorted[i]!) - i / N), Math.abs(cdf(sorted[i]!) - (i + 1) / N));
    expect(d).toBeLessThan(1.63 / Math.sqrt(N));
  });

  it('has mean 0, variance 1 and kurtosis 3, and the normal tail beyond the ziggurat base (3.4426)', () => {
    let m = 0;
    let v = 0;
    let k = 0;
    let tail = 0;
    for (const x of samples) {
      m += x;
      v += x * x;
      k += x ** 4;
      if (Math.abs(x) > 3.442619855899) tail++;
    }
    expect(Math.abs(m / N)).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(v / N - 1)).toBeLessThan(0.006);
    expect(Math.abs(k / N - 3)).toBeLessThan(0.05);
    const expected = 2 * (1 - cdf(3.442619855899)) * N; // ≈ 576
    expect(Math.abs(tail - expected)).toBeLessThan(5 * Math.sqrt(expected));
  });

  it('is a function of the seed, and fills in pieces as in one go', () => {
    const again = new Float32Array(1000);
    new NormalStream(12345).fill(again, 1);
    expect(again).toEqual(samples.subarray(0, 1000));
    const pieces = new NormalStream(12345);
    const a = new Float32Array(300);
    const b = new Float32Array(700);
    pieces.fill(a, 1);
    pieces.fill(b, 1);
    expect([...a, ...b]).toEqual([...again]);
    const other = new Float32Array(1000);
    new NormalStream(12346).fill(other, 1);
    expect(other).not.toEqual(again);
  });

  it('gives initWeights its normal matrices, scaled by std, and ones and zeros', () => {
    const w = initWeights(
      [
        { name: 'w', shape: [200, 500], init: { kind: 'normal', std: 0.02 } },
        { name: 'g', shape: [8], init: { kind: 'ones' } },
        { name: 'b', shape: [8], init: { kind: 'zeros' } },
      ],
      3,
    );
    const m = w.get('w')!;
    const rms = Math.sqrt(m.reduce((s, x) => s + x * x, 0) / m.length);
    expect(Math.abs(rms - 0.02)).toBeLessThan(0.0003);
    expect([...w.get('g')!]).toEqual(Array(8).fill(1));
    expect([...w.get('b')!]).toEqual(Array(8).fill(0));
  });
});

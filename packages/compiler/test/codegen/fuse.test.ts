// The CPU generator fuses two linear maps of one input into one k.linear2 call, and nothing else.
import { describe, expect, it } from 'vitest';
import { fuseLinears } from '../../src/codegen/cpu/fuse.js';
import type { Stmt } from '../../src/codegen/cpu/view.js';

const lin = (out: string, x: string, rows = 'R', bias = ''): Stmt => ({ partial: 'linear', out, x, rows, inDim: 8, bias });

describe('fusing linear maps', () => {
  it('fuses the first pair sharing an input, at the first one, and keeps the order of the rest', () => {
    const norm: Stmt = { partial: 'rms-norm', out: 'h' };
    const act: Stmt = { partial: 'unary', out: 'act' };
    const [gate, up] = [lin('gate', 'h'), lin('up', 'h', 'R', 'W.up_bias')];
    const fused = fuseLinears([norm, gate, act, up, lin('other', 'act')]);
    expect(fused.map((s) => s.partial)).toEqual(['rms-norm', 'linear2', 'unary', 'linear']);
    expect(fused[1]).toMatchObject({ first: gate, second: up, x: 'h', biases: ', undefined, W.up_bias' });
  });

  it('leaves maps of different inputs or row counts apart', () => {
    const stmts = [lin('a', 'h'), lin('b', 'g'), lin('c', 'h_rows', 'rows'), lin('d', 'h', 'rows')];
    expect(fuseLinears(stmts)).toEqual(stmts);
  });
});

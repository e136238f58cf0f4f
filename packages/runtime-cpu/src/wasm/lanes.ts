// A WebAssembly text fragment shared by the kernels: the lanes of an f32x4 local summed, in one order.

/** (lane0 + lane1) + (lane2 + lane3) of the v128 local `name`, written inline (V8 calls are not free). */
export function lanes(name: string): string {
  const lane = (i: number) => `(f32x4.extract_lane ${i} (local.get ${name}))`;
  return `(f32.add (f32.add ${lane(0)} ${lane(1)}) (f32.add ${lane(2)} ${lane(3)}))`;
}

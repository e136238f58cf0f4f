// Uploading weights and constant tables into their buffers, converting to f16 or bf16 where the plan says so.
import { toBf16Array, toFloat16Array } from './f16.js';

/**
 * A typed array as writeBuffer's type wants it. WebGPU accepts views of any buffer (the IDL says
 * AllowShared); the type declarations ask for an ArrayBuffer-backed view.
 */
export function source(data: ArrayBufferView): ArrayBufferView<ArrayBuffer> {
  return data as ArrayBufferView<ArrayBuffer>;
}

type Dtype = 'f32' | 'f16' | 'bf16' | 'i32';

/** `data` as the buffer stores it: f32 as it is, 16-bit formats two to a word. */
function encoded(data: Float32Array, dtype: Dtype): ArrayBufferView {
  if (dtype === 'f16') return toFloat16Array(data);
  if (dtype === 'bf16') return toBf16Array(data);
  return data;
}

export function uploadWeight(device: GPUDevice, buffer: GPUBuffer, data: Float32Array, dtype: Dtype): void {
  device.queue.writeBuffer(buffer, 0, source(encoded(data, dtype)));
}

export function uploadConstant(device: GPUDevice, buffer: GPUBuffer, data: readonly number[], dtype: Dtype): void {
  if (!data.length) return;
  const values = dtype === 'i32' ? Int32Array.from(data) : encoded(Float32Array.from(data), dtype);
  device.queue.writeBuffer(buffer, 0, source(values));
}

// Uploading weights and constant tables into their buffers, converting to f16 where the plan says so.
import { toFloat16Array } from './f16.js';

/**
 * A typed array as writeBuffer's type wants it. WebGPU accepts views of any buffer (the IDL says
 * AllowShared); the type declarations ask for an ArrayBuffer-backed view.
 */
export function source(data: ArrayBufferView): ArrayBufferView<ArrayBuffer> {
  return data as ArrayBufferView<ArrayBuffer>;
}

export function uploadWeight(device: GPUDevice, buffer: GPUBuffer, data: Float32Array, dtype: 'f32' | 'f16' | 'i32'): void {
  device.queue.writeBuffer(buffer, 0, source(dtype === 'f16' ? toFloat16Array(data) : data));
}

export function uploadConstant(device: GPUDevice, buffer: GPUBuffer, data: readonly number[], dtype: 'f32' | 'f16' | 'i32'): void {
  if (!data.length) return;
  const values = dtype === 'i32' ? Int32Array.from(data) : dtype === 'f16' ? toFloat16Array(Float32Array.from(data)) : Float32Array.from(data);
  device.queue.writeBuffer(buffer, 0, source(values));
}

// @tdl/runtime-webgpu: the WebGPU backend (device, buffers, pipelines, dispatch of generated WGSL).
// The backend itself is the work of issue 7; this package exists so the workspace has its final shape.
export const WEBGPU_BACKEND_READY = false;

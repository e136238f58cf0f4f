// ONNX export: a tdl graph as an ONNX decoder in Hugging Face optimum's layout, and its protobuf file.
export { exportOnnx, onnxRefusal, ONNX_OPSET, ONNX_DIMS_NAMES as ONNX_NAMES, DIM as ONNX_DIMS, type OnnxExport, type OnnxExportOptions, type OnnxOps, type OnnxWeightType, type OnnxCacheInfo } from './export.js';
export { encodeOnnx, initializerBytes, EXTERNAL_DATA_FILE, EXTERNAL_DATA_THRESHOLD, type EncodeOptions, type EncodedOnnx } from './proto.js';
export type { OnnxModel, OnnxInitializer, OnnxNode, OnnxValueInfo } from './model.js';
export { hfArchitecture, hfConfig, genaiConfig, type OnnxConfigOptions } from './config.js';

// Serialises an OnnxModel as an ONNX file (a ModelProto) with protobufjs, and lays out the external
// data file when the weights would pass protobuf's 2 GiB limit.
//
// The schema below is the part of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) the exporter
// writes, with its field numbers; protobufjs builds the encoders from it.
import protobuf from 'protobufjs/light.js';
import { ONNX_DTYPE, type OnnxAttribute, type OnnxDType, type OnnxInitializer, type OnnxModel, type OnnxValueInfo } from './model.js';

const f = (id: number, type: string, rule?: 'repeated') => ({ id, type, ...(rule ? { rule } : {}) });

const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: { fields: { key: f(1, 'string'), value: f(2, 'string') } },
        OperatorSetIdProto: { fields: { domain: f(1, 'string'), version: f(2, 'int64') } },
        TensorShapeProto: {
          fields: { dim: f(1, 'Dimension', 'repeated') },
          nested: { Dimension: { oneofs: { value: { oneof: ['dim_value', 'dim_param'] } }, fields: { dim_value: f(1, 'int64'), dim_param: f(2, 'string') } } },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensor_type'] } },
          fields: { tensor_type: f(1, 'Tensor') },
          nested: { Tensor: { fields: { elem_type: f(1, 'int32'), shape: f(2, 'TensorShapeProto') } } },
        },
        ValueInfoProto: { fields: { name: f(1, 'string'), type: f(2, 'TypeProto'), doc_string: f(3, 'string') } },
        TensorProto: {
          fields: {
            dims: f(1, 'int64', 'repeated'),
            data_type: f(2, 'int32'),
            name: f(8, 'string'),
            raw_data: f(9, 'bytes'),
            doc_string: f(12, 'string'),
            external_data: f(13, 'StringStringEntryProto', 'repeated'),
            data_location: f(14, 'int32'),
          },
        },
        AttributeProto: {
          fields: {
            name: f(1, 'string'),
            f: f(2, 'float'),
            i: f(3, 'int64'),
            s: f(4, 'bytes'),
            ints: f(8, 'int64', 'repeated'),
            type: f(20, 'int32'),
          },
        },
        NodeProto: {
          fields: {
            input: f(1, 'string', 'repeated'),
            output: f(2, 'string', 'repeated'),
            name: f(3, 'string'),
            op_type: f(4, 'string'),
            attribute: f(5, 'AttributeProto', 'repeated'),
            domain: f(7, 'string'),
          },
        },
        GraphProto: {
          fields: {
            node: f(1, 'NodeProto', 'repeated'),
            name: f(2, 'string'),
            initializer: f(5, 'TensorProto', 'repeated'),
            doc_string: f(10, 'string'),
            input: f(11, 'ValueInfoProto', 'repeated'),
            output: f(12, 'ValueInfoProto', 'repeated'),
          },
        },
        ModelProto: {
          fields: {
            ir_version: f(1, 'int64'),
            producer_name: f(2, 'string'),
            producer_version: f(3, 'string'),
            domain: f(4, 'string'),
            model_version: f(5, 'int64'),
            doc_string: f(6, 'string'),
            graph: f(7, 'GraphProto'),
            opset_import: f(8, 'OperatorSetIdProto', 'repeated'),
            metadata_props: f(14, 'StringStringEntryProto', 'repeated'),
          },
        },
      },
    },
  },
};

/** AttributeProto.AttributeType. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;
/** TensorProto.DataLocation. */
const EXTERNAL = 1;

let modelType: protobuf.Type | undefined;
function modelProto(): protobuf.Type {
  return (modelType ??= protobuf.Root.fromJSON(SCHEMA).lookupType('onnx.ModelProto'));
}

const BYTES: Record<OnnxDType, number> = { f32: 4, f16: 2, i64: 8, bool: 1 };

/** Bytes an initializer holds. */
export function initializerBytes(init: OnnxInitializer): number {
  return init.dims.reduce((n, d) => n * d, 1) * BYTES[init.dtype];
}

/** The file name of the external data, beside model.onnx (optimum's and onnx's convention). */
export const EXTERNAL_DATA_FILE = 'model.onnx_data';
/** Weights past this many bytes go to the external data file: protobuf messages end at 2 GiB; this leaves room for the graph. */
export const EXTERNAL_DATA_THRESHOLD = 2 ** 31 - 2 ** 26;
/** With external data, tensors smaller than this stay inside the model (as onnx.save_model does). */
const SMALL_TENSOR = 1024;
/** External tensors start at multiples of this, so a runtime can map them page by page. */
const ALIGN = 4096;

export interface EncodeOptions {
  /** The little-endian bytes of a parameter's initializer, in its dtype (f32 or f16). */
  readonly tensor: (init: Extract<OnnxInitializer, { kind: 'param' }>) => Uint8Array;
  /** Initializer bytes past which they go to an external data file (default EXTERNAL_DATA_THRESHOLD). */
  readonly externalThreshold?: number;
  readonly producerVersion?: string;
}

export interface EncodedOnnx {
  /** The bytes of model.onnx. */
  readonly model: Uint8Array;
  /** The external data file, when one is needed: its name, size, and its bytes as they are made. */
  readonly external?: { readonly file: string; readonly bytes: number; chunks(): Iterable<Uint8Array> };
}

/** The ONNX file for `model`; initializers read their bytes from `options.tensor` as they are written. */
export function encodeOnnx(model: OnnxModel, options: EncodeOptions): EncodedOnnx {
  const total = model.initializers.reduce((n, i) => n + initializerBytes(i), 0);
  const external = total > (options.externalThreshold ?? EXTERNAL_DATA_THRESHOLD);
  const bytesOf = (init: OnnxInitializer) => (init.kind === 'inline' ? init.bytes : options.tensor(init));
  const placed: { init: OnnxInitializer; offset: number; length: number }[] = [];
  let offset = 0;
  const initializer = model.initializers.map((init) => {
    const length = initializerBytes(init);
    const base = { name: init.name, dims: init.dims, data_type: ONNX_DTYPE[init.dtype] };
    if (!external || length < SMALL_TENSOR) return { ...base, raw_data: bytesOf(init) };
    offset = Math.ceil(offset / ALIGN) * ALIGN;
    placed.push({ init, offset, length });
    const entry = {
      ...base,
      data_location: EXTERNAL,
      external_data: [
        { key: 'location', value: EXTERNAL_DATA_FILE },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(length) },
      ],
    };
    offset += length;
    return entry;
  });
  const message = {
    ir_version: model.irVersion,
    producer_name: 'tdl',
    producer_version: options.producerVersion ?? '0.1.0',
    model_version: 1,
    doc_string: model.docString,
    opset_import: model.opsets.map((o) => ({ domain: o.domain, version: o.version })),
    metadata_props: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: model.graphName,
      node: model.nodes.map((n) => ({
        name: n.name,
        op_type: n.op,
        domain: n.domain,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes).map(([name, a]) => attribute(name, a)),
      })),
      initializer,
      input: model.inputs.map(valueInfo),
      output: model.outputs.map(valueInfo),
    },
  };
  const bytes = modelProto().encode(message).finish();
  if (!external) return { model: bytes };
  const size = offset;
  return {
    model: bytes,
    external: {
      file: EXTERNAL_DATA_FILE,
      bytes: size,
      *chunks() {
        let at = 0;
        for (const p of placed) {
          if (p.offset > at) yield new Uint8Array(p.offset - at);
          const data = bytesOf(p.init);
          if (data.byteLength !== p.length) throw new Error(`internal error: ${p.init.name} has ${data.byteLength} bytes, expected ${p.length}`);
          yield data;
          at = p.offset + p.length;
        }
      },
    },
  };
}

function attribute(name: string, a: OnnxAttribute) {
  switch (a.kind) {
    case 'int':
      return { name, type: ATTRIBUTE_TYPE.int, i: a.value };
    case 'float':
      return { name, type: ATTRIBUTE_TYPE.float, f: a.value };
    case 'string':
      return { name, type: ATTRIBUTE_TYPE.string, s: new TextEncoder().encode(a.value) };
    case 'ints':
      return { name, type: ATTRIBUTE_TYPE.ints, ints: a.value };
  }
}

function valueInfo(v: OnnxValueInfo) {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: ONNX_DTYPE[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

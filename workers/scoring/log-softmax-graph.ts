/**
 * The bytes of a two-node ONNX model, written here rather than shipped as a binary file:
 *
 *   logits [rows, vocab] float32 ─ LogSoftmax(axis 1) ─ GatherElements(axis 1, ids [rows, k] int64) ─ out [rows, k]
 *
 * log-probs.ts runs it on onnxruntime's CPU provider, whose LogSoftmax is vectorised: about ten times faster
 * than a JavaScript loop over the vocabulary (measured in README.md, "Worker speed"). The encoding follows
 * onnx.proto3 field numbers; only the fields onnxruntime needs are written.
 */

// ---- a minimal protobuf writer (varints and length-delimited fields) ----
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const intField = (field: number, value: number): number[] => [...varint(field << 3), ...varint(value)];
const bytesField = (field: number, bytes: number[]): number[] => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
const stringField = (field: number, s: string): number[] => bytesField(field, [...new TextEncoder().encode(s)]);

// ---- onnx.proto messages ----
const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;

/** AttributeProto { name = 1, i = 3, type = 20 } */
const intAttribute = (name: string, value: number) => [...stringField(1, name), ...intField(3, value), ...intField(20, ATTRIBUTE_INT)];

/** NodeProto { input = 1, output = 2, op_type = 4, attribute = 5 } */
function node(op: string, inputs: string[], output: string, attrs: number[][]): number[] {
  return [
    ...inputs.flatMap((i) => stringField(1, i)),
    ...stringField(2, output),
    ...stringField(4, op),
    ...attrs.flatMap((a) => bytesField(5, a)),
  ];
}

/** ValueInfoProto { name = 1, type = 2 { tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 { dim_param = 2 } } } } } */
function tensorInfo(name: string, elemType: number, dims: string[]): number[] {
  const shape = dims.flatMap((d) => bytesField(1, stringField(2, d)));
  const tensorType = [...intField(1, elemType), ...bytesField(2, shape)];
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

/** ModelProto { ir_version = 1, graph = 7, opset_import = 8 { domain = 1, version = 2 } } */
export function logSoftmaxGatherModel(): Uint8Array {
  const graph = [
    ...bytesField(1, node("LogSoftmax", ["logits"], "log_probs", [intAttribute("axis", 1)])),
    ...bytesField(1, node("GatherElements", ["log_probs", "ids"], "out", [intAttribute("axis", 1)])),
    ...stringField(2, "log_softmax_gather"),
    ...bytesField(11, tensorInfo("logits", FLOAT, ["rows", "vocab"])),
    ...bytesField(11, tensorInfo("ids", INT64, ["rows", "k"])),
    ...bytesField(12, tensorInfo("out", FLOAT, ["rows", "k"])),
  ];
  return Uint8Array.from([...intField(1, 7), ...bytesField(7, graph), ...bytesField(8, [...stringField(1, ""), ...intField(2, 13)])]);
}

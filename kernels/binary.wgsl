// Elementwise binary ops with NumPy broadcasting: out[i] = a[ia] op b[ib], one
// thread per output element. The host passes the output shape and each
// operand's strides read against it (0 on broadcast axes), rank ≤ 8.
// The op is a uniform (one pipeline for all four, as in unary.wgsl); codes,
// mirrored by BINARY_CODES in engine/backend/webgpu/index.ts: 0 add, 1 sub,
// 2 mul, 3 div. Host dispatch: ⌈size / 256⌉ workgroups, folded.

struct Params {
  size: u32,
  rank: u32,
  op: u32,
  _pad1: u32,
  outShape: array<vec4<u32>, 2>,
  stridesA: array<vec4<u32>, 2>,
  stridesB: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn apply(left: f32, right: f32) -> f32 {
  switch params.op {
    case 0u: { return left + right; }
    case 1u: { return left - right; }
    case 2u: { return left * right; }
    default: { return left / right; }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, local, groups);
  if (i >= params.size) {
    return;
  }
  var rest = i;
  var indexA = 0u;
  var indexB = 0u;
  for (var axis = i32(params.rank) - 1; axis >= 0; axis--) {
    let extent = packed(params.outShape, u32(axis));
    let coordinate = rest % extent;
    rest = rest / extent;
    indexA += coordinate * packed(params.stridesA, u32(axis));
    indexB += coordinate * packed(params.stridesB, u32(axis));
  }
  out[i] = apply(a[indexA], b[indexB]);
}

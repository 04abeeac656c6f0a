// Elementwise unary ops and scaling: out[i] = op(x[i]), one thread per element.
// The op is a uniform, not an override constant, so that one pipeline serves
// every op: the branch is the same for all threads, and each pipeline costs a
// shader compilation (seconds on a CPU Vulkan driver).
// Op codes, mirrored by UNARY_CODES in engine/backend/webgpu/index.ts:
// 0 neg, 1 exp, 2 log, 3 abs, 4 square, 5 sign, 6 relu, 7 sigmoid, 8 tanh,
// 9 scale (x · factor). Host dispatch: ⌈size / 256⌉ workgroups, folded.

struct Params {
  size: u32,
  factor: f32,
  op: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn apply(value: f32) -> f32 {
  switch params.op {
    case 0u: { return -value; }
    case 1u: { return exp(value); }
    case 2u: { return log(value); }
    case 3u: { return abs(value); }
    case 4u: { return value * value; }
    case 5u: { return sign(value); }
    case 6u: { return activate(1u, value); }
    case 7u: { return activate(2u, value); }
    case 8u: { return activate(3u, value); }
    default: { return value * params.factor; }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, local, groups);
  if (i < params.size) {
    out[i] = apply(x[i]);
  }
}

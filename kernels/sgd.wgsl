// In-place SGD update with (Nesterov) momentum, one thread per parameter value:
//   g ← g + λ·p; v ← μ·v + g; p ← p − lr·v, or when params.nesterov is 1
//   p ← p − lr·(g + μ·v).
// Host dispatch: ⌈size / 256⌉ workgroups, folded.

struct Params {
  size: u32,
  learningRate: f32,
  momentum: f32,
  weightDecay: f32,
  nesterov: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, local, groups);
  if (i >= params.size) {
    return;
  }
  let g = grad[i] + params.weightDecay * param[i];
  let v = params.momentum * velocity[i] + g;
  velocity[i] = v;
  let direction = select(v, g + params.momentum * v, params.nesterov == 1u);
  param[i] = param[i] - params.learningRate * direction;
}

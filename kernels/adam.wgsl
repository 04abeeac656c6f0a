// In-place Adam update, one thread per parameter value (Kingma and Ba, "Adam: A
// Method for Stochastic Optimization", 2015):
//   g ← g + λ·p; m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
//   p ← p − lr·(m / c1) / (√(v / c2) + ε),
// with the bias corrections c1 = 1 − β1^t and c2 = 1 − β2^t of step t computed on the host.
// Host dispatch: ⌈size / 256⌉ workgroups, folded.

struct Params {
  size: u32,
  learningRate: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  correction1: f32,
  correction2: f32,
  weightDecay: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> first: array<f32>;
@group(0) @binding(4) var<storage, read_write> second: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, local, groups);
  if (i >= params.size) {
    return;
  }
  let g = grad[i] + params.weightDecay * param[i];
  let m = params.beta1 * first[i] + (1.0 - params.beta1) * g;
  let v = params.beta2 * second[i] + (1.0 - params.beta2) * g * g;
  first[i] = m;
  second[i] = v;
  param[i] = param[i] - (params.learningRate * (m / params.correction1)) / (sqrt(v / params.correction2) + params.epsilon);
}

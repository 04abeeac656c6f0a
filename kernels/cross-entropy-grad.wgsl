// Gradient of the mean softmax cross-entropy with respect to the logits:
// dx[i, j] = (probs[i, j] − [j = label_i]) · dLoss / rows, with dLoss read from a
// one-element buffer so that it never leaves the device. One thread per element.
// Host dispatch: ⌈rows · cols / 256⌉ workgroups, folded.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> labels: array<i32>;
@group(0) @binding(2) var<storage, read> probs: array<f32>;
@group(0) @binding(3) var<storage, read> dLoss: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, local, groups);
  if (i >= params.rows * params.cols) {
    return;
  }
  let row = i / params.cols;
  let factor = dLoss[0] / f32(params.rows);
  let onehot = select(0.0, factor, i % params.cols == u32(labels[row]));
  dx[i] = probs[i] * factor - onehot;
}

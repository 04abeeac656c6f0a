// Fused softmax cross-entropy forward (natural log) of logits [rows×cols]
// against one class index per row: probs = softmax(logits) row-wise, and
// rowLoss[i] = −log probs[i, label_i], computed from the logits as
// log Σ exp(x − max) + max − x[label]. The host then averages rowLoss with
// reduce.wgsl; the gradient is cross-entropy-grad.wgsl. One thread per row.
// Host dispatch: ⌈rows / 256⌉ workgroups, folded.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> labels: array<i32>;
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowLoss: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = flatIndex(id, local, groups);
  if (row >= params.rows) {
    return;
  }
  let start = row * params.cols;
  var largest = logits[start];
  for (var j = 1u; j < params.cols; j++) {
    largest = max(largest, logits[start + j]);
  }
  var total = 0.0;
  for (var j = 0u; j < params.cols; j++) {
    let e = exp(logits[start + j] - largest);
    probs[start + j] = e;
    total += e;
  }
  for (var j = 0u; j < params.cols; j++) {
    probs[start + j] = probs[start + j] / total;
  }
  rowLoss[row] = log(total) + largest - logits[start + u32(labels[row])];
}

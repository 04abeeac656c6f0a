// Row-wise softmax, or log-softmax when params.log is 1, of a [rows×cols] matrix
// (natural log), stabilised by subtracting the row maximum. One thread per row:
// classification outputs have many rows and few columns.
// Host dispatch: ⌈rows / 256⌉ workgroups, folded.

struct Params {
  rows: u32,
  cols: u32,
  log: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = flatIndex(id, local, groups);
  if (row >= params.rows) {
    return;
  }
  let start = row * params.cols;
  var largest = x[start];
  for (var j = 1u; j < params.cols; j++) {
    largest = max(largest, x[start + j]);
  }
  var total = 0.0;
  for (var j = 0u; j < params.cols; j++) {
    total += exp(x[start + j] - largest);
  }
  if (params.log == 1u) {
    let logTotal = log(total) + largest;
    for (var j = 0u; j < params.cols; j++) {
      out[start + j] = x[start + j] - logTotal;
    }
  } else {
    for (var j = 0u; j < params.cols; j++) {
      out[start + j] = exp(x[start + j] - largest) / total;
    }
  }
}

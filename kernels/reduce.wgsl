// Sum of all values times a factor (factor 1 / size gives the mean), as a tree
// reduction in workgroup memory. Each of the G workgroups sums a grid-strided
// share of the input and writes one partial sum to out[group]; with G > 1 the
// host runs this kernel again on the G partial sums with one workgroup.
// Host dispatch: G = min(⌈size / 256⌉, 256) workgroups of 256 threads.

struct Params {
  size: u32,
  factor: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  var total = 0.0;
  for (var i = group.x * 256u + local; i < params.size; i += groups.x * 256u) {
    total += x[i];
  }
  partial[local] = total;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride = stride / 2u) {
    if (local < stride) {
      partial[local] += partial[local + stride];
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    out[group.x] = partial[0] * params.factor;
  }
}

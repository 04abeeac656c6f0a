// Sums x down to a target shape that broadcasts to x's shape (the gradient of a
// broadcast), one thread per target element. The host passes, per axis of x
// (rank ≤ 8): x's row-major strides, the kept extents (the target's extent
// padded with leading 1s) and the reduced extents (x's extent where the target
// has 1, else 1). Each thread sums its reduced elements in row-major order.
// A reduction to a single value goes to reduce.wgsl instead.
// Host dispatch: ⌈target size / 256⌉ workgroups, folded.

struct Params {
  size: u32,
  rank: u32,
  reducedSize: u32,
  _pad: u32,
  strides: array<vec4<u32>, 2>,
  kept: array<vec4<u32>, 2>,
  reduced: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, local, groups);
  if (i >= params.size) {
    return;
  }
  var rest = i;
  var base = 0u;
  for (var axis = i32(params.rank) - 1; axis >= 0; axis--) {
    let extent = packed(params.kept, u32(axis));
    base += (rest % extent) * packed(params.strides, u32(axis));
    rest = rest / extent;
  }
  var total = 0.0;
  for (var r = 0u; r < params.reducedSize; r++) {
    var remaining = r;
    var offset = base;
    for (var axis = i32(params.rank) - 1; axis >= 0; axis--) {
      let extent = packed(params.reduced, u32(axis));
      offset += (remaining % extent) * packed(params.strides, u32(axis));
      remaining = remaining / extent;
    }
    total += x[offset];
  }
  out[i] = total;
}

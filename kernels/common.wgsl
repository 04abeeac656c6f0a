// Shared by the one-dimensional kernels: a thread per element, 256 threads a
// workgroup. The host folds more than 65,535 workgroups (the WebGPU default of
// maxComputeWorkgroupsPerDimension) into a second grid dimension, so the flat
// index counts whole rows of workgroups first.
const WORKGROUP_SIZE = 256u;

// Flat element index of a thread from its workgroup id, its index within the
// workgroup and the grid size.
fn flatIndex(group: vec3<u32>, local: u32, groups: vec3<u32>) -> u32 {
  return (group.y * groups.x + group.x) * WORKGROUP_SIZE + local;
}

// Entry i (0 … 7) of eight u32 values packed into two vec4s, the uniform layout
// of shapes and strides (uniform arrays need a 16-byte element stride).
fn packed(values: array<vec4<u32>, 2>, i: u32) -> u32 {
  return values[i / 4u][i % 4u];
}

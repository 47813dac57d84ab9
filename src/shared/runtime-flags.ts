// Flags for the Node runtime of every node process (placed before the script by whoever spawns one).
//
// --optimize-for-size: V8 grows the heap less eagerly and collects sooner. Under a sustained write
// load a node's live heap stays around 50 MB, but by default V8 lets the heap grow to ~190 MB before
// it bothers to collect, so a node's resident size reached ~270 MB after 150,000 writes; with this
// flag it stays near 125 MB at the same throughput (`npm run bench -- --only memory`). It sets no
// hard limit, unlike --max-old-space-size, so a node holding a large data set never dies of it.
export const NODE_RUNTIME_FLAGS: readonly string[] = ['--optimize-for-size'];

// The identity file pins a data directory to one (clusterId, nodeId): starting node 2 on node 1's
// directory, or a fresh cluster on an old one, would silently mix two histories.
import { join } from 'node:path';
import { StorageCorruptionError, StorageIdentityError } from './errors.js';
import { writeFileAtomic, type StorageFs } from './fs.js';

export const IDENTITY_FILE = 'identity.json';
const FORMAT = 'raft-sup-storage/1';

/** Check the identity file, or write it when the directory holds no data yet. */
export async function checkIdentity(
  fs: StorageFs,
  dir: string,
  names: readonly string[],
  hasData: boolean,
  want: { nodeId: number; clusterId: string },
): Promise<void> {
  const path = join(dir, IDENTITY_FILE);
  if (!names.includes(IDENTITY_FILE)) {
    if (hasData) throw new StorageIdentityError(`${dir} holds Raft data but no ${IDENTITY_FILE}; refusing to guess which node it belongs to`);
    const body = Buffer.from(`${JSON.stringify({ format: FORMAT, nodeId: want.nodeId, clusterId: want.clusterId })}\n`, 'utf8');
    await writeFileAtomic(fs, dir, `${path}.tmp`, path, body);
    return;
  }
  let got: unknown;
  try {
    got = JSON.parse((await fs.read(path)).toString('utf8'));
  } catch {
    throw new StorageCorruptionError(path, 0, 'identity file is not valid JSON');
  }
  const o = (typeof got === 'object' && got !== null ? got : {}) as Record<string, unknown>;
  if (o.format !== FORMAT || typeof o.nodeId !== 'number' || typeof o.clusterId !== 'string') {
    throw new StorageCorruptionError(path, 0, `identity file lacks format "${FORMAT}", a numeric nodeId or a string clusterId`);
  }
  if (o.nodeId !== want.nodeId || o.clusterId !== want.clusterId) {
    throw new StorageIdentityError(
      `${dir} belongs to node ${o.nodeId} of cluster "${o.clusterId}", not node ${want.nodeId} of cluster "${want.clusterId}"; ` +
        'use that node id and cluster, or another --data-dir',
    );
  }
}

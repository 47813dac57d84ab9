// Errors the storage raises when it must refuse to start. The node turns them into a distinct exit code
// and a one-line message: it never serves from a directory it cannot trust.

/** Exit code of a node process whose data directory is damaged (distinct from usage errors, 2). */
export const EXIT_CORRUPT_STORAGE = 3;

/**
 * Damage that a crash cannot explain: a bad record with valid data after it, a bad record in a sealed
 * (non-final) segment, a corrupt latest snapshot, a missing segment. Names the file and byte offset.
 */
export class StorageCorruptionError extends Error {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, detail: string) {
    super(`storage is corrupted: ${file} at byte ${offset}: ${detail}`);
    this.name = 'StorageCorruptionError';
    this.file = file;
    this.offset = offset;
  }
}

/** The directory belongs to another node id or cluster (or has data but no identity file). */
export class StorageIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageIdentityError';
  }
}

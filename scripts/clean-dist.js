#!/usr/bin/env node
// Removes dist/ so that compiled files of deleted sources never run as stale tests.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
rmSync(join(import.meta.dirname, '..', 'dist'), { recursive: true, force: true });

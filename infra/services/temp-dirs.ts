import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pidAlive } from './process';

const OWNER_FILE = 'owner.pid';

/**
 * A temp dir stamped with our pid. A test run that is killed (Ctrl-C in Jest skips global teardown) cannot clean
 * up after itself; the stamp lets the next run tell abandoned dirs from those of a run still going.
 */
export function makeOwnedTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

/** Removes `<tmp>/<prefix>*` dirs whose owner process is gone. */
export function sweepOwnedTempDirs(prefix: string): void {
  const tmp = os.tmpdir();
  for (const name of readdirSync(tmp)) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(tmp, name);
    let owner: number;
    try {
      owner = Number(readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // not ours, or still being created
    }
    if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) rmSync(dir, { recursive: true, force: true });
  }
}

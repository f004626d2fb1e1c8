import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs of its own (root only: the test machine and CI run as root, and root ignores file modes, so a
 * read-only directory has to be a read-only mount).
 */
export interface SmallDisk {
  dir: string;
  remove(): void;
}

export function mountSmallDisk(opts: { sizeKb: number; readOnly?: boolean }): SmallDisk {
  if (process.getuid?.() !== 0) throw new Error('the disk fault tests mount a tmpfs and must run as root');
  const dir = mkdtempSync(join(tmpdir(), 'small-disk-'));
  const mountOpts = `size=${opts.sizeKb}k,mode=0755${opts.readOnly ? ',ro' : ''}`;
  execFileSync('mount', ['-t', 'tmpfs', '-o', mountOpts, 'tmpfs', dir]);
  return {
    dir,
    remove() {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

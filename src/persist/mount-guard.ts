// A state directory inside the FUSE mountpoint would have the daemon write
// its state through its own mount, synchronously, from the thread that
// serves it: a deadlock. Refuse it before anything is mounted. Checked on
// canonical paths (symlinks resolved) while the mountpoint is still a
// plain directory, so the check itself never touches a served mount.
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { StateDirError } from './state-dir.js';

/** The canonical form of `p`: its longest existing ancestor resolved, the rest appended. */
function canonical(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : resolve(canonical(parent), basename(abs));
  }
}

function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export function refuseStateInsideMount(stateDir: string, mountpoint: string): void {
  const lexical = within(resolve(stateDir), resolve(mountpoint));
  if (lexical || within(canonical(stateDir), canonical(mountpoint))) {
    throw new StateDirError(`state dir ${stateDir} is inside the mountpoint ${mountpoint}: the daemon would write it through its own mount and deadlock; keep it outside`);
  }
}

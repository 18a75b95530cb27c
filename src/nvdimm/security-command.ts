// drivers/nvdimm/security.c nvdimm_security_store()'s parse of a write to
// nmemN/security: sscanf(buf, "%32s %10s %10s") into a command word and up
// to two key serial numbers, the command looked up in its ops table
// (sysfs_streq), then each key the command takes through kstrtouint(0).
import { KernelError } from '../kernel/errno.js';
import { isSpace, kstrtoull } from '../kernel/parse.js';

/** The OPS table: command word → how many words it takes, itself included. */
const SECURITY_OPS: ReadonlyMap<string, number> = new Map([
  ['freeze', 1],
  ['disable', 2],
  ['update', 3],
  ['erase', 2],
  ['overwrite', 2],
  ['master_update', 3],
  ['master_erase', 2],
]);

/** SEC_CMD_SIZE, then KEY_ID_SIZE twice: the widths of the three %s. */
const WIDTHS = [32, 10, 10];
const UINT_MAX = 0xffff_ffffn;

/** vsscanf()'s %Ns conversions: skip whitespace, take up to N non-space characters; stop at the end of input. */
function scanWords(buf: string): string[] {
  const words: string[] = [];
  let i = 0;
  for (const width of WIDTHS) {
    while (isSpace(buf[i])) i++;
    if (i >= buf.length) break;
    const start = i;
    while (i < buf.length && !isSpace(buf[i]) && i - start < width) i++;
    words.push(buf.slice(start, i));
  }
  return words;
}

export interface SecurityCommand {
  op: string;
  keys: number[];
}

/**
 * The command and its key ids, or the store's errno: EINVAL for no word or
 * an unknown one, kstrtouint()'s EINVAL/ERANGE for a bad key. A command
 * written without the key it needs makes the kernel parse an uninitialised
 * buffer (undefined); ndsim answers EINVAL.
 */
export function parseSecurityCommand(buf: string): SecurityCommand {
  const [op, ...rest] = scanWords(buf);
  const words = op === undefined ? undefined : SECURITY_OPS.get(op);
  if (op === undefined || words === undefined) throw new KernelError('EINVAL', `unknown security command: ${JSON.stringify(buf)}`);
  const keys: number[] = [];
  for (let k = 0; k < words - 1; k++) {
    const text = rest[k];
    if (text === undefined) throw new KernelError('EINVAL', `${op} needs a key id`);
    const id = kstrtoull(text, 0);
    if (id > UINT_MAX) throw new KernelError('ERANGE');
    keys.push(Number(id));
  }
  return { op, keys };
}

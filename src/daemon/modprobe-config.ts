// /run/modprobe.d/ndsim.conf in the fake root: the module aliases of the
// emulated nvdimm stack, as the real modules declare them with
// MODULE_ALIAS_ND_DEVICE (drivers/nvdimm/dimm.c, region.c, pmem.c,
// drivers/dax/pmem.c). The shim shows it to libkmod in place of the host's
// /run/modprobe.d, so ndctl maps each modalias to its module the way it
// does on a real machine; /sys/module then reports the module live, so
// nothing is ever inserted.
import { constFile } from '../sysfs/attr-file.js';
import { mkdirp, type DirNode } from '../sysfs/node.js';

export const MODPROBE_DIR = '/run/modprobe.d';

/** "nd:t<type>*" → module, per MODULE_ALIAS_ND_DEVICE in the 6.1 sources. */
const ND_MODULE_ALIASES: readonly (readonly [type: number, module: string])[] = [
  [1, 'libnvdimm'], // ND_DEVICE_DIMM, dimm.c
  [2, 'libnvdimm'], // ND_DEVICE_REGION_PMEM, region.c
  [4, 'nd_pmem'], // ND_DEVICE_NAMESPACE_IO, pmem.c
  [5, 'nd_pmem'], // ND_DEVICE_NAMESPACE_PMEM, pmem.c
  [7, 'dax_pmem'], // ND_DEVICE_DAX_PMEM, dax/pmem.c
];

export function modprobeConfig(): string {
  const lines = ND_MODULE_ALIASES.map(([type, module]) => `alias nd:t${type}* ${module}\n`);
  return `# ndsim: the nvdimm stack's module aliases (modules.alias of a real 6.1 kernel)\n${lines.join('')}`;
}

export function addModprobeConfig(root: DirNode): void {
  mkdirp(root, MODPROBE_DIR).entries.set('ndsim.conf', constFile(modprobeConfig(), 0o444));
}

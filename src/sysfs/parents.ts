// The devices that parent a libnvdimm bus: nfit_test's platform devices
// (with its nfit_test_dimm class devices) or the ACPI0012 NFIT device.
import type { BusSpec } from '../topology/schema.js';
import type { PlatformBus } from '../platform/nfit-platform.js';
import { NFIT_TEST_DIMM_GROUP } from '../nvdimm/nfit-test-dimm.js';
import { addGroups, attrFile, constFile } from './attr-file.js';
import { ueventFile } from './uevent.js';
import { dir, put, relLink, type DirNode } from './node.js';
import { powerDir } from './power.js';
import { hexPadded } from '../kernel/format.js';
import { KernelError } from '../kernel/errno.js';

/** driver_set_override(): len >= PAGE_SIZE - 1 is refused. */
const DRIVER_OVERRIDE_MAX = 4095;

const ACPI_ROOT = '/sys/devices/LNXSYSTM:00/LNXSYBUS:00';

export function parentPath(spec: BusSpec['parent']): string {
  return spec.kind === 'platform' ? `/sys/devices/platform/${spec.name}` : `${ACPI_ROOT}/${spec.name}`;
}

interface DriverOverride {
  value: string | null;
}

/** A platform device (drivers/base/platform.c) and, for nfit_test, its test_dimmN class devices. */
function platformParent(root: DirNode, bus: PlatformBus, spec: Extract<BusSpec['parent'], { kind: 'platform' }>): void {
  const path = parentPath(spec);
  const d = dir();
  put(root, path, d);
  // platform_device_add(): modalias is "platform:" and the name without its ".id".
  const alias = `platform:${spec.name.replace(/\.\d+$/, '')}`;
  relLink(root, `${path}/driver`, `/sys/bus/platform/drivers/${spec.driver}`);
  const override: DriverOverride = { value: null };
  d.entries.set(
    'driver_override',
    attrFile(override, 0o644, (o) => `${o.value ?? '(null)'}\n`, (o, buf, count) => {
      // drivers/base/driver.c driver_set_override(): a count of PAGE_SIZE - 1
      // or more is EINVAL (the show adds a newline); the C string is kept up
      // to its first "\n"; empty, or starting with "\n", clears it.
      if (count >= DRIVER_OVERRIDE_MAX) throw new KernelError('EINVAL');
      const nl = buf.indexOf('\n');
      const v = nl < 0 ? buf : buf.slice(0, nl);
      o.value = v.length > 0 ? v : null;
      return count;
    }),
  );
  d.entries.set('modalias', constFile(`${alias}\n`));
  d.entries.set('power', powerDir(spec));
  relLink(root, `${path}/subsystem`, '/sys/bus/platform');
  d.entries.set('uevent', ueventFile(spec, (s) => `DRIVER=${s.driver}\nMODALIAS=${alias}\n`));
  if (!spec.testDimms) return;
  for (const pdimm of bus.dimms) {
    const tpath = `${path}/nfit_test_dimm/test_dimm${pdimm.slot}`;
    const t = dir();
    put(root, tpath, t);
    addGroups(t, pdimm, [NFIT_TEST_DIMM_GROUP]);
    relLink(root, `${tpath}/device`, path);
    t.entries.set('power', powerDir(pdimm));
    relLink(root, `${tpath}/subsystem`, '/sys/class/nfit_test_dimm');
    t.entries.set('uevent', ueventFile(pdimm, () => ''));
    relLink(root, `/sys/class/nfit_test_dimm/test_dimm${pdimm.slot}`, tpath);
  }
}

/** The ACPI NFIT device object (drivers/acpi/device_sysfs.c) and its NVDIMM children. */
function acpiParent(root: DirNode, spec: Extract<BusSpec['parent'], { kind: 'acpi' }>): void {
  const path = parentPath(spec);
  const d = dir();
  put(root, path, d);
  const hid = spec.name.replace(/:[0-9A-Fa-f]+$/, '');
  for (const child of spec.children) {
    const cpath = `${path}/${child.name}`;
    const c = dir();
    put(root, cpath, c);
    c.entries.set('adr', constFile(`${hexPadded(child.adr, 8)}\n`));
    c.entries.set('path', constFile(`${child.path}\n`));
    c.entries.set('power', powerDir(child));
    relLink(root, `${cpath}/subsystem`, '/sys/bus/acpi');
    c.entries.set('uevent', ueventFile(child, () => ''));
  }
  relLink(root, `${path}/driver`, '/sys/bus/acpi/drivers/nfit');
  d.entries.set('hid', constFile(`${hid}\n`));
  d.entries.set('modalias', constFile(`acpi:${hid}:\n`));
  d.entries.set('path', constFile(`${spec.path}\n`));
  relLink(root, `${path}/physical_node`, `/sys/devices/platform/${spec.name}`);
  d.entries.set('power', powerDir(spec));
  relLink(root, `${path}/subsystem`, '/sys/bus/acpi');
  d.entries.set('uevent', ueventFile(spec, () => `DRIVER=nfit\nMODALIAS=acpi:${hid}:\n`));
}

export function buildParent(root: DirNode, bus: PlatformBus): string {
  const spec = bus.spec.parent;
  if (spec.kind === 'platform') platformParent(root, bus, spec);
  else acpiParent(root, spec);
  return parentPath(spec);
}


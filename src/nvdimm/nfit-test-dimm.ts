// nfit_test's test-control class devices, /sys/class/nfit_test_dimm/test_dimmN
// (tools/testing/nvdimm/test/nfit.c): one per DIMM slot, to force DSM
// failures and lock a DIMM from userspace.
import { hexAlt, line } from '../kernel/format.js';
import { kstrtosigned } from '../kernel/parse.js';
import type { PlatformDimm } from '../platform/nfit-platform.js';
import { MODE, ro, rw, wo, type AttributeGroup } from './attribute.js';

export const NFIT_TEST_DIMM_GROUP: AttributeGroup<PlatformDimm> = {
  attrs: [
    ro('handle', (d) => line(hexAlt(d.handle))),
    rw(
      'fail_cmd',
      (d) => line(hexAlt(d.failCmd)),
      (d, buf, count) => {
        // kstrtol into an unsigned long: the bit pattern is what counts.
        d.failCmd = BigInt.asUintN(64, kstrtosigned(buf));
        return count;
      },
      MODE.RW,
    ),
    rw(
      'fail_cmd_code',
      (d) => line(d.failCmdCode),
      (d, buf, count) => {
        // Stored into an int, as the module does.
        d.failCmdCode = Number(BigInt.asIntN(32, kstrtosigned(buf)));
        return count;
      },
    ),
    wo('lock_dimm', (d, _buf, count) => {
      d.security = 'locked';
      return count;
    }),
  ],
};

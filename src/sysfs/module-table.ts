// The kernel modules of the emulated nvdimm stack, as /sys/module shows
// them on the captured Debian 6.1 kernel (shared/oracle/*/tree-01-initial,
// /proc/modules). Two builds exist: the distribution's own modules (ACPI
// platforms, qemu-nfit) and the tools/testing/nvdimm build that nfit_test
// needs, where libnvdimm, nfit, nd_pmem, nd_btt, dax_pmem and device_dax
// are rebuilt out of tree and linked against nfit_test_iomap's --wrap
// symbols (tools/testing/nvdimm/Kbuild). Their sizes, taint and
// dependencies differ, so each module states its facts per build; a module
// without facts for a build is not loaded with it.
//
// Derived elsewhere (src/sysfs/modules.ts), not declared here:
// - holders/: module B has a holders/A link in module A for each A that B
//   uses (kernel/module/main.c ref_module → sysfs add_usage_links);
// - drivers/ on the nd bus: from ND_DRIVERS (src/nvdimm/system.ts), the
//   same table /sys/bus/nd/drivers/<driver>/module is built from;
// - refcnt: one reference per holder (ref_module takes one) plus one per
//   enabled region for the bus provider's module (drivers/nvdimm/bus.c
//   to_bus_provider: "pin bus providers while regions are enabled"). That
//   reproduces every captured refcnt: nfit_test 4 = its four regions,
//   nfit 2 on qemu-nfit = two regions, 0 once they are disabled
//   (qemu-nfit/tree-02b-regions-disabled), libnvdimm 5/4 = its holders.

export type ModuleBuild = 'distro' | 'nfit_test';

/** What differs between the two builds of one module. */
export interface ModuleBuildFacts {
  /** "coresize": the module's core text+data, page-rounded, as captured. */
  readonly coresize: number;
  /** "taint" letters (module_flags_taint): "OE" = out-of-tree and unsigned. */
  readonly taint: string;
  /** Modules whose symbols this one links against (the "used by" column of the other's /proc/modules line). */
  readonly uses: readonly string[];
}

/** A module_param(): kernel/params.c param_ops_{bool,int,ulong}. */
export type ModuleParamSpec =
  | { readonly name: string; readonly type: 'bool'; readonly mode: number; readonly value: boolean }
  | { readonly name: string; readonly type: 'int' | 'ulong'; readonly mode: number; readonly value: bigint };

/** A driver the module registers on a bus other than nd. */
export interface OtherBusDriver {
  readonly bus: string;
  readonly driver: string;
}

export interface ModuleSpec {
  readonly name: string;
  readonly builds: Partial<Readonly<Record<ModuleBuild, ModuleBuildFacts>>>;
  /**
   * Drivers on buses other than nd. Their /sys/module links point at
   * /sys/bus/<bus>/drivers/<driver>: the dax bus is emulated
   * (src/sysfs/dax-bus-type.ts); the platform bus is not, so nfit_test's
   * link dangles, as /sys/devices/platform/nfit_test.N/driver already
   * does (src/sysfs/parents.ts).
   */
  readonly otherDrivers: readonly OtherBusDriver[];
  readonly params: readonly ModuleParamSpec[];
}

/** Out of tree and unsigned: every module of the tools/testing/nvdimm build. */
const TEST_TAINT = 'OE';

/** kmem is the distribution's in both captures (the test build does not rebuild drivers/dax/kmem.c). */
const KMEM: ModuleBuildFacts = { coresize: 16384, taint: '', uses: [] };

export const NVDIMM_MODULES: readonly ModuleSpec[] = [
  {
    name: 'libnvdimm',
    builds: {
      distro: { coresize: 204800, taint: '', uses: [] },
      nfit_test: { coresize: 204800, taint: TEST_TAINT, uses: ['nfit_test_iomap'] },
    },
    otherDrivers: [],
    // drivers/nvdimm/security.c
    params: [{ name: 'key_revalidate', type: 'bool', mode: 0o444, value: true }],
  },
  {
    name: 'nfit',
    builds: {
      distro: { coresize: 73728, taint: '', uses: ['libnvdimm'] },
      nfit_test: { coresize: 73728, taint: TEST_TAINT, uses: ['libnvdimm', 'nfit_test_iomap'] },
    },
    // acpi_nfit_driver sets no .owner (drivers/acpi/nfit/core.c), so
    // module_add_driver() links nothing: nfit has no drivers/ (as captured).
    otherDrivers: [],
    // drivers/acpi/nfit/core.c. The two writable ones are read at probe
    // time only; nothing re-probes in ndsim, so a write is kept and shown
    // but changes no behaviour.
    params: [
      { name: 'force_enable_dimms', type: 'bool', mode: 0o644, value: false },
      { name: 'disable_vendor_specific', type: 'bool', mode: 0o444, value: false },
      { name: 'override_dsm_mask', type: 'ulong', mode: 0o444, value: 0n },
      { name: 'default_dsm_family', type: 'int', mode: 0o444, value: -1n },
      { name: 'no_init_ars', type: 'bool', mode: 0o644, value: false },
      { name: 'force_labels', type: 'bool', mode: 0o444, value: false },
    ],
  },
  {
    name: 'nd_pmem',
    builds: {
      distro: { coresize: 24576, taint: '', uses: ['libnvdimm', 'nd_btt'] },
      nfit_test: { coresize: 24576, taint: TEST_TAINT, uses: ['libnvdimm', 'nd_btt', 'nfit_test_iomap'] },
    },
    otherDrivers: [],
    params: [],
  },
  {
    name: 'nd_btt',
    builds: {
      distro: { coresize: 32768, taint: '', uses: ['libnvdimm'] },
      nfit_test: { coresize: 32768, taint: TEST_TAINT, uses: ['libnvdimm'] },
    },
    otherDrivers: [],
    params: [],
  },
  {
    name: 'dax_pmem',
    builds: {
      distro: { coresize: 16384, taint: '', uses: ['libnvdimm'] },
      nfit_test: { coresize: 20480, taint: TEST_TAINT, uses: ['libnvdimm', 'nfit_test_iomap'] },
    },
    otherDrivers: [],
    params: [],
  },
  {
    name: 'device_dax',
    builds: {
      distro: { coresize: 20480, taint: '', uses: [] },
      nfit_test: { coresize: 20480, taint: TEST_TAINT, uses: ['nfit_test_iomap'] },
    },
    otherDrivers: [{ bus: 'dax', driver: 'device_dax' }],
    params: [],
  },
  {
    name: 'kmem',
    builds: { distro: KMEM, nfit_test: KMEM },
    otherDrivers: [{ bus: 'dax', driver: 'kmem' }],
    params: [],
  },
  {
    name: 'nfit_test',
    builds: {
      nfit_test: {
        coresize: 49152,
        taint: TEST_TAINT,
        uses: ['libnvdimm', 'nfit', 'nd_pmem', 'dax_pmem', 'device_dax', 'nfit_test_iomap'],
      },
    },
    otherDrivers: [{ bus: 'platform', driver: 'nfit_test' }],
    params: [],
  },
  {
    name: 'nfit_test_iomap',
    builds: { nfit_test: { coresize: 28672, taint: TEST_TAINT, uses: [] } },
    otherDrivers: [],
    params: [],
  },
];

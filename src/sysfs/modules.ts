// /sys/module/<name> for the modules of the emulated nvdimm stack
// (kernel/module/sysfs.c, kernel/params.c, drivers/base/module.c). Every
// module reads "live", so libkmod inside ndctl treats it as loaded and
// never tries to insert it. The facts are in module-table.ts.
//
// Not emulated: sections/ (one file per ELF section holding its load
// address) and notes/ (the .note.* contents: build id, kernel version):
// both are addresses and build artefacts of one machine, and no consumer of
// the libnvdimm ABI reads them.
import { kstrtobool, kstrtoull, kstrtosigned } from '../kernel/parse.js';
import type { NvdimmBus } from '../nvdimm/bus.js';
import { ND_DRIVERS, type NdDriverName, type NvdimmSystem } from '../nvdimm/system.js';
import { attrFile, constFile } from './attr-file.js';
import { NVDIMM_MODULES, type ModuleBuild, type ModuleBuildFacts, type ModuleParamSpec, type ModuleSpec } from './module-table.js';
import { dir, put, relLink, type AttrNode, type DirNode } from './node.js';
import { checkUeventAction } from './uevent.js';

export const MODULE_DIR = '/sys/module';

type ParamValue = ModuleParamSpec['value'];

/** kernel/params.c param_ops_*: how each type shows (param_get_*) and parses a write (param_set_*). */
const PARAM_OPS: Record<ModuleParamSpec['type'], { get: (v: ParamValue) => string; set: (buf: string) => ParamValue }> = {
  // param_get_bool: "%c\n" of Y/N; param_set_bool: kstrtobool.
  bool: { get: (v) => (v ? 'Y\n' : 'N\n'), set: (buf) => kstrtobool(buf) },
  // param_get_int: "%i\n"; param_set_int: kstrtoint(val, 0), ERANGE outside int.
  int: { get: (v) => `${v}\n`, set: (buf) => kstrtosigned(buf, 32) },
  // param_get_ulong: "%lu\n"; param_set_ulong: kstrtoul(val, 0) (64-bit long).
  ulong: { get: (v) => `${v}\n`, set: (buf) => kstrtoull(buf) },
};

/**
 * Parameter values live as long as the simulation, not the tree: the tree
 * is rebuilt on every bind/unbind, and a value written before must survive.
 */
const paramState = new WeakMap<NvdimmSystem, Map<string, ParamValue>>();

function paramValues(system: NvdimmSystem): Map<string, ParamValue> {
  let values = paramState.get(system);
  if (!values) {
    values = new Map();
    paramState.set(system, values);
  }
  return values;
}

/** nfit_test's platform devices register their buses themselves; every other topology is ACPI NFIT. */
function isNfitTest(bus: NvdimmBus): boolean {
  return bus.provider.startsWith('nfit_test');
}

/** The module set loaded for this topology: the nfit_test build, or the distribution's. */
export function moduleBuild(system: NvdimmSystem): ModuleBuild {
  return system.buses.some(isNfitTest) ? 'nfit_test' : 'distro';
}

/** nd_desc->module: nfit_test (test/nfit.c) or nfit (acpi/nfit/core.c acpi_nfit_desc_init). */
function busProviderModule(bus: NvdimmBus): string {
  return isNfitTest(bus) ? 'nfit_test' : 'nfit';
}

/** The modules of `build`, each with its facts for that build. */
export function loadedModules(build: ModuleBuild): { spec: ModuleSpec; facts: ModuleBuildFacts }[] {
  return NVDIMM_MODULES.flatMap((spec) => {
    const facts = spec.builds[build];
    return facts ? [{ spec, facts }] : [];
  });
}

/** Modules of this build that use `name`: its holders. */
function holdersOf(name: string, build: ModuleBuild): string[] {
  return loadedModules(build)
    .filter(({ facts }) => facts.uses.includes(name))
    .map(({ spec }) => spec.name);
}

function paramFile(system: NvdimmSystem, module: string, param: ModuleParamSpec): AttrNode {
  const key = `${module}.${param.name}`;
  const ops = PARAM_OPS[param.type];
  const current = () => paramValues(system).get(key) ?? param.value;
  // Read-only parameters get no store, so opening them for writing fails
  // with EACCES (kernfs checks the mode), even for root.
  const writable = (param.mode & 0o222) !== 0;
  return attrFile(
    param,
    param.mode,
    () => ops.get(current()),
    writable
      ? (_p, buf, count) => {
          // param_attr_store(): a failed set leaves the value alone and returns its errno.
          paramValues(system).set(key, ops.set(buf));
          return count;
        }
      : undefined,
  );
}

function moduleDir(root: DirNode, system: NvdimmSystem, build: ModuleBuild, spec: ModuleSpec): void {
  const facts = spec.builds[build];
  if (!facts) return;
  const path = `${MODULE_DIR}/${spec.name}`;
  const d = dir();
  put(root, path, d);
  const holders = holdersOf(spec.name, build);

  // kernel/module/main.c modinfo_attrs (no version or srcversion: the captures show neither).
  d.entries.set('coresize', constFile(`${facts.coresize}\n`));
  d.entries.set('initsize', constFile('0\n')); // init sections are freed once live
  d.entries.set('initstate', constFile('live\n'));
  d.entries.set('taint', constFile(`${facts.taint}\n`));
  d.entries.set(
    'refcnt',
    attrFile(system, 0o444, (s) => {
      const pins = s.regions.filter((r) => r.driver !== null && busProviderModule(r.bus) === spec.name).length;
      return `${holders.length + pins}\n`;
    }),
  );
  // kernel/params.c module_uevent: write-only, synthesizes a uevent.
  d.entries.set(
    'uevent',
    attrFile(spec, 0o200, undefined, (_s, buf, count) => {
      checkUeventAction(buf, count);
      return count;
    }),
  );

  d.entries.set('holders', dir());
  for (const holder of holders) relLink(root, `${path}/holders/${holder}`, `${MODULE_DIR}/${holder}`);

  // drivers/base/module.c module_add_driver(): "<bus>:<driver>", created with the first driver.
  const ndDrivers = (Object.keys(ND_DRIVERS) as NdDriverName[]).filter((drv) => ND_DRIVERS[drv].module === spec.name);
  const drivers = [...ndDrivers.map((driver) => ({ bus: 'nd', driver })), ...spec.otherDrivers];
  for (const { bus, driver } of drivers) relLink(root, `${path}/drivers/${bus}:${driver}`, `/sys/bus/${bus}/drivers/${driver}`);

  if (spec.params.length > 0) {
    const params = dir();
    d.entries.set('parameters', params);
    for (const param of spec.params) params.entries.set(param.name, paramFile(system, spec.name, param));
  }
}

/** Build /sys/module/<name> for every module the topology loads; replaces what an earlier call built. */
export function addModules(root: DirNode, system: NvdimmSystem): void {
  const build = moduleBuild(system);
  for (const spec of NVDIMM_MODULES) moduleDir(root, system, build, spec);
}

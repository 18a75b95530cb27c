// What a write would do now, predicted from the model (nothing is written):
// one predictor per attribute, in a table keyed like the documentation in
// attribute-docs.ts; attributes without one fall back to the documented
// "accepts".
import type { Simulation } from '../daemon/daemon.js';
import { ERRNO, errnoName } from '../kernel/errno.js';
import type { NvdimmBus } from '../nvdimm/bus.js';
import type { Nvdimm } from '../nvdimm/dimm.js';
import { FWA_CAP, FWA_STATE, FWA_STATE_NAME, type FwaState } from '../nvdimm/fw-ops.js';
import type { PlatformDimm } from '../platform/nfit-platform.js';
import { INTEL_DIMM_FUNCTIONS, type AttributeDoc, type DeviceKind } from './attribute-docs.js';
import type { Access, DeviceInfo, WritePrediction } from './explanation-types.js';

interface PredictContext {
  readonly sim: Simulation;
  readonly device: DeviceInfo;
}

/** A prediction, or null to fall back to the documentation's description. */
type Predictor = (ctx: PredictContext) => WritePrediction | null;

const stateWord = (state: FwaState) => FWA_STATE_NAME[state] ?? 'unknown (the firmware state could not be read)';

function busNamed(sim: Simulation, name: string): NvdimmBus | undefined {
  return sim.system.buses.find((b) => b.name === name);
}

function dimmNamed(sim: Simulation, name: string): Nvdimm | undefined {
  return sim.system.dimms.find((d) => d.name === name);
}

/** nfit_test's test_dimmN is DIMM slot N of the platform, whether or not an nmem was registered for it. */
function testDimmSlot(sim: Simulation, name: string): PlatformDimm | undefined {
  const slot = Number(/^test_dimm(\d+)$/.exec(name)?.[1] ?? NaN);
  return sim.system.platform.buses.flatMap((b) => b.dimms).find((d) => d.slot === slot);
}

/** The nmemN registered for a slot; undefined for a slot the platform knows but never registered (nfit_test's hot-plug slot). */
function nmemOfSlot(sim: Simulation, pdimm: PlatformDimm): string | undefined {
  return sim.system.dimms.find((d) => d.platform === pdimm)?.name;
}

const slotName = (nmem: string | undefined) => nmem ?? 'its DIMM (no nmem: the slot is not registered)';

interface BusView {
  readonly armed: readonly string[];
  readonly noidle: boolean;
  readonly capability: string;
}

const ACTIVATE_FAILS = (why: string) => () => ({ live: why, quiesce: why });

/** core.c activate_store, by the state intel_bus_fwa_state() reports. */
const BUS_ACTIVATE_BY_STATE: Readonly<Record<FwaState, (v: BusView) => { live: string; quiesce: string }>> = {
  [FWA_STATE.INVALID]: ACTIVATE_FAILS('fails ENXIO: the platform did not answer FW_ACTIVATE_BUSINFO, so the state is unknown'),
  [FWA_STATE.IDLE]: ACTIVATE_FAILS('fails ENXIO: nothing armed (arm DIMMs first by writing "arm" to nmemN/firmware/activate)'),
  [FWA_STATE.BUSY]: ACTIVATE_FAILS('fails EBUSY: an activation is still in progress; wait until the bus reads idle'),
  [FWA_STATE.ARMED]: (v) => activateNow(v, ''),
  [FWA_STATE.ARM_OVERFLOW]: (v) =>
    activateNow(v, ' The state is overflow: the platform said activating all armed DIMMs may take longer than its maximum quiesce time. The kernel activates anyway (only ndctl refuses to arm into overflow); the platform may answer a timeout status, which the kernel ignores.'),
};

function activateNow(v: BusView, note: string): { live: string; quiesce: string } {
  const who = v.armed.length > 0 ? v.armed.join(', ') : 'the armed DIMMs';
  const iodev = v.noidle ? 'OS_IDLE (1), because nfit/firmware_activate_noidle is Y' : 'FORCE_IDLE (0)';
  const call = `Intel bus DSM function 2 FW_ACTIVATE with iodev_state ${iodev}, activating ${who}`;
  const after =
    'The write returns its full length whatever status the firmware answers; the bus then reads busy until the platform is done, and each DIMM\'s firmware/result tells how it went.';
  const risk = v.capability === 'quiesce' ? ' The capability is quiesce, so this skips the freeze the platform asked for ("live" is the documented assume-the-risk override).' : '';
  return {
    live: `calls the provider's activate directly (intel.c intel_bus_fwa_activate): ${call}. ${after}${risk}${note}`,
    quiesce: `runs the freeze sequence around it (kernel/power/hibernate.c hibernate_quiet_exec): freeze user tasks, kernel threads and devices (dpm_suspend PMSG_FREEZE), then ${call}, then thaw everything in reverse. If a step fails (another hibernation holds the lock, a task refuses to freeze, a driver's freeze fails) the write fails with that errno, usually EBUSY, and nothing is activated. ${after}${note}`,
  };
}

function predictBusActivate({ sim, device }: PredictContext): WritePrediction | null {
  const bus = busNamed(sim, device.name);
  const ops = bus?.fwOps;
  if (!bus || !ops) return null;
  const state = ops.activateState();
  const live = state === FWA_STATE.ARMED || state === FWA_STATE.ARM_OVERFLOW;
  // Which DIMMs take part, from the platform's own flags: asking each DIMM
  // through DIMM-info DSMs would disturb the caches a later read depends on.
  const armed = live ? sim.system.dimmsOf(bus).filter((d) => d.platform.firmware.armed).map((d) => d.name) : [];
  const capability = ops.capability() === FWA_CAP.QUIESCE ? 'quiesce' : 'live';
  const effects = BUS_ACTIVATE_BY_STATE[state]({ armed, noidle: ops.noidle, capability });
  return {
    summary: `The bus reads ${stateWord(state)}${armed.length > 0 ? ` (armed: ${armed.join(', ')})` : ''}; activate_store checks the word first, then the state.`,
    outcomes: [
      { input: 'live', effect: effects.live },
      { input: 'quiesce', effect: effects.quiesce },
      { input: 'anything else', effect: 'fails EINVAL, before the state is even read' },
    ],
  };
}

const ARM_FAILS = (why: string) => ({ arm: why, disarm: why });

/** intel.c intel_fwa_arm, by the DIMM's current state. */
const DIMM_ARM_BY_STATE: Readonly<Record<FwaState, { arm: string; disarm: string }>> = {
  [FWA_STATE.INVALID]: ARM_FAILS('fails ENXIO: the DIMM did not answer FW_ACTIVATE_DIMMINFO'),
  [FWA_STATE.BUSY]: ARM_FAILS('fails EBUSY: an activation is in progress'),
  [FWA_STATE.ARM_OVERFLOW]: ARM_FAILS('fails ENXIO (a DIMM never reports overflow)'),
  [FWA_STATE.IDLE]: {
    arm: 'forgets the cached bus and DIMM states, then sends Intel DIMM DSM function 30 FW_ACTIVATE_ARM with activate_arm=1; the DIMM then reads armed, and the bus armed (or overflow once the platform cannot activate that many DIMMs within its quiesce budget). The firmware status of the call is ignored.',
    disarm: 'succeeds at once without calling the firmware: the DIMM is not armed',
  },
  [FWA_STATE.ARMED]: {
    arm: 'succeeds at once without calling the firmware: the DIMM is already armed',
    disarm: 'forgets the cached states, then sends DSM function 30 FW_ACTIVATE_ARM with activate_arm=0; the DIMM reads idle again, and the bus idle once no DIMM is armed.',
  },
};

/** nfit_test's override_return_code(): a forced DSM 30 failure turns a successful arm into that error. */
function forcedArmFailure(dimm: Nvdimm): string {
  const fn = 30n;
  if (((dimm.platform.failCmd >> fn) & 1n) === 0n) return '';
  const code = dimm.platform.failCmdCode || -ERRNO.EIO;
  return ` But nfit_test's fail_cmd forces DSM 30 to return ${code}${code < 0 ? ` (${errnoName(-code) ?? 'an errno'})` : ''}: where the firmware is called, it still changes its armed state, yet the write ${code < 0 ? 'fails with that error' : 'reports success'}.`;
}

function predictDimmActivate({ sim, device }: PredictContext): WritePrediction | null {
  const dimm = dimmNamed(sim, device.name);
  const ops = dimm?.fwOps;
  if (!dimm || !ops) return null;
  const state = ops.activateState();
  const effects = DIMM_ARM_BY_STATE[state];
  const forced = forcedArmFailure(dimm);
  return {
    summary: `The DIMM reads ${stateWord(state)}; dimm_devs.c activate_store checks the word, then intel_fwa_arm looks at the state under the bus lock.`,
    outcomes: [
      { input: 'arm', effect: effects.arm + forced },
      { input: 'disarm', effect: effects.disarm + forced },
      { input: 'anything else', effect: 'fails EINVAL' },
    ],
  };
}

function predictNoidle({ sim, device }: PredictContext): WritePrediction | null {
  const ops = busNamed(sim, device.name)?.fwOps;
  if (!ops) return null;
  const change = (to: boolean) =>
    to === ops.noidle
      ? `no change (already ${to ? 'Y' : 'N'}); the cached capability is kept`
      : `switches to ${to ? 'Y: the next FW_ACTIVATE passes iodev_state OS_IDLE (1)' : 'N: the next FW_ACTIVATE passes iodev_state FORCE_IDLE (0)'}, and forgets the cached capability so the next read of firmware/capability or firmware/activate asks FW_ACTIVATE_BUSINFO again`;
  return {
    summary: `Currently ${ops.noidle ? 'Y' : 'N'} (intel.c firmware_activate_noidle_store parses a kstrtobool boolean).`,
    outcomes: [
      { input: '1, y, on', effect: change(true) },
      { input: '0, n, off', effect: change(false) },
      { input: 'anything else', effect: 'fails EINVAL' },
    ],
  };
}

/** The Intel DIMM DSM functions whose bits are set in a fail_cmd mask. */
function forcedFunctions(mask: bigint): string[] {
  const out: string[] = [];
  for (let fn = 0; fn < 64; fn++) if ((mask >> BigInt(fn)) & 1n) out.push(`${fn}${INTEL_DIMM_FUNCTIONS[fn] ? ` ${INTEL_DIMM_FUNCTIONS[fn]}` : ''}`);
  return out;
}

function failCodeText(code: number): string {
  if (code === 0) return '-EIO (fail_cmd_code 0 means the default)';
  return code < 0 ? `${code} (${errnoName(-code) ?? 'an errno'})` : `${code}, a positive value the kernel takes for success`;
}

function predictFailCmd({ sim, device }: PredictContext): WritePrediction | null {
  const pdimm = testDimmSlot(sim, device.name);
  if (!pdimm) return null;
  const forced = forcedFunctions(pdimm.failCmd);
  const nmem = slotName(nmemOfSlot(sim, pdimm));
  return {
    summary: `Slot ${pdimm.slot} is ${nmem}; ${forced.length > 0 ? `DSM functions ${forced.join(', ')} are forced to return ${failCodeText(pdimm.failCmdCode)}` : 'no DSM function is forced to fail'}. A write replaces the whole mask; each function still runs, only its return code is replaced (nfit.c override_return_code).`,
    outcomes: [
      { input: '0', effect: `clears the mask: every DSM function of ${nmem} answers normally again` },
      { input: '0x20000000', effect: `bit 29: FW_ACTIVATE_DIMMINFO fails, so ${nmem}/firmware/activate and result read ENXIO whenever the kernel has to ask the firmware` },
      { input: '0x40000000', effect: `bit 30: arm and disarm writes to ${nmem}/firmware/activate fail with fail_cmd_code, although the firmware still changes its armed state` },
      { input: '0x10', effect: `bit 4: GET_CONFIG_SIZE fails, so the label area of ${nmem} cannot be read at its next probe` },
      { input: 'not a number', effect: 'fails EINVAL (kstrtol, base 0)' },
    ],
  };
}

function predictFailCmdCode({ sim, device }: PredictContext): WritePrediction | null {
  const pdimm = testDimmSlot(sim, device.name);
  if (!pdimm) return null;
  const forced = forcedFunctions(pdimm.failCmd);
  const which = forced.length > 0 ? `DSM functions ${forced.join(', ')}` : 'the functions selected in fail_cmd';
  const idle = forced.length > 0 ? '' : ' None is selected now, so the code has no effect yet.';
  return {
    summary: `Currently ${failCodeText(pdimm.failCmdCode)}; it is what ${which} return on ${slotName(nmemOfSlot(sim, pdimm))}.${idle}`,
    outcomes: [
      { input: '-16', effect: `${which} fail EBUSY` },
      { input: '0', effect: 'back to the default -EIO' },
      { input: 'a positive number', effect: 'returned as is; the kernel only treats negative values as errors' },
      { input: 'not a number', effect: 'fails EINVAL (kstrtol, base 0)' },
    ],
  };
}

function predictLockDimm({ sim, device }: PredictContext): WritePrediction | null {
  const pdimm = testDimmSlot(sim, device.name);
  if (!pdimm) return null;
  const nmem = nmemOfSlot(sim, pdimm);
  const security = nmem ? `${nmem}/security` : 'the security file of the nmem it would get';
  const now = pdimm.security === undefined ? 'the DIMM reports no security at all' : `the emulated state is ${pdimm.security}`;
  return {
    summary: `Any write marks slot ${pdimm.slot}'s emulated security state enabled and locked (nfit.c lock_dimm_store); now ${now}.`,
    outcomes: [
      {
        input: 'anything',
        effect: `${security} reads "locked" from then on (nfit_test's security_show asks the emulated firmware on every read); the kernel does nothing else until the DIMM is probed again, when it would try to unlock it with its key`,
      },
    ],
  };
}

/** Predictions computed from the model, keyed like the documentation. */
const PREDICTORS: Partial<Readonly<Record<DeviceKind, Readonly<Record<string, Predictor>>>>> = {
  bus: { 'firmware/activate': predictBusActivate, 'nfit/firmware_activate_noidle': predictNoidle },
  dimm: { 'firmware/activate': predictDimmActivate },
  nfit_test_dimm: { fail_cmd: predictFailCmd, fail_cmd_code: predictFailCmdCode, lock_dimm: predictLockDimm },
};

const READ_ONLY: WritePrediction = { summary: 'read-only: any write fails EACCES at open', outcomes: [] };

export function predictWrite(sim: Simulation, access: Access, device: DeviceInfo | null, attribute: string, doc: AttributeDoc | null): WritePrediction {
  if (!access.writable) return READ_ONLY;
  const predictor = device ? PREDICTORS[device.kind]?.[attribute] : undefined;
  const predicted = predictor && device ? predictor({ sim, device }) : null;
  if (predicted) return predicted;
  return { summary: doc?.write ?? 'writable; what it accepts is not documented here', outcomes: [] };
}

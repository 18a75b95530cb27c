// kernel/power/hibernate.c hibernate_quiet_exec(): what a "quiesce"
// firmware activation (drivers/nvdimm/core.c activate_store) runs around
// the provider's activate: the hibernation freeze without the image. Each
// step in the kernel's order; a failing step undoes its own partial work,
// then everything before it unwinds in reverse, and the function is never
// called. Applied to the machine's declared tasks and devices.
import { ERRNO, errnoName } from '../kernel/errno.js';
import type { Machine } from '../platform/machine.js';
import type { Tracer } from '../trace/tracer.js';

interface Step {
  /** The kernel call, as the trace names it. */
  readonly name: string;
  /** 0 or a negative errno. */
  readonly run?: (m: Machine, log: (text: string) => void) => number;
  /** What unwinds it (also traced); absent for steps with nothing to undo. */
  readonly undo?: { readonly name: string; readonly run?: (m: Machine, log: (text: string) => void) => void };
}

/** try_to_freeze_tasks(): every freezable task of the kind stops; one that cannot fails the whole freeze. */
function freezeTasks(kernelThreads: boolean) {
  return (m: Machine, log: (text: string) => void): number => {
    const tasks = m.processes.filter((p) => p.spec.kernelThread === kernelThreads);
    const refusing = tasks.filter((p) => !p.spec.freezable);
    if (refusing.length > 0) {
      // The kernel retries for freeze_timeout_msecs (20 s) before giving up.
      log(`Freezing of tasks failed after 20.000 seconds (${refusing.length} tasks refusing to freeze): ${refusing.map((p) => p.spec.name).join(', ')}`);
      return -ERRNO.EBUSY;
    }
    for (const p of tasks) p.frozen = true;
    log(`${tasks.length} ${kernelThreads ? 'kernel threads' : 'tasks'} frozen`);
    return 0;
  };
}

function thawTasks(kernelThreads: boolean) {
  return (m: Machine): void => {
    for (const p of m.processes) if (p.spec.kernelThread === kernelThreads) p.frozen = false;
  };
}

/** dpm_suspend(PMSG_FREEZE): devices freeze children first, i.e. in reverse registration order. */
function freezeDevices(m: Machine, log: (text: string) => void): number {
  for (const d of [...m.devices].reverse()) {
    if (d.spec.freeze === 'fails') {
      d.freezeFailures += 1;
      log(`${d.spec.name} failed to freeze: error -${ERRNO[d.spec.freezeErrno]}`);
      // dpm_suspend fails; hibernate_quiet_exec goes to dpm_resume for the devices already frozen.
      thawDevices(m);
      log('dpm_resume(PMSG_THAW)');
      return -ERRNO[d.spec.freezeErrno];
    }
    d.frozen = true;
    if (d.spec.freeze === 'keeps-dma' && d.spec.dma) log(`${d.spec.name} frozen, but its DMA keeps running`);
  }
  log(`${m.devices.length} devices frozen`);
  return 0;
}

function thawDevices(m: Machine): void {
  for (const d of m.devices) d.frozen = false;
}

const SEQUENCE: readonly Step[] = [
  { name: 'hibernate_acquire', run: (m) => (m.hibernationBusy ? -ERRNO.EBUSY : 0), undo: { name: 'hibernate_release' } },
  { name: 'pm_prepare_console', undo: { name: 'pm_restore_console' } },
  { name: 'PM_HIBERNATION_PREPARE notifiers', undo: { name: 'PM_POST_HIBERNATION notifiers' } },
  { name: 'freeze_processes', run: freezeTasks(false), undo: { name: 'thaw_processes', run: thawTasks(false) } },
  { name: 'lock_device_hotplug', undo: { name: 'unlock_device_hotplug' } },
  { name: 'platform_begin', undo: { name: 'platform_end' } },
  { name: 'freeze_kernel_threads', run: freezeTasks(true), undo: { name: 'thaw_kernel_threads', run: thawTasks(true) } },
  { name: 'dpm_prepare(PMSG_FREEZE)', undo: { name: 'dpm_complete(PMSG_THAW)' } },
  { name: 'suspend_console', undo: { name: 'resume_console' } },
  { name: 'dpm_suspend(PMSG_FREEZE)', run: freezeDevices, undo: { name: 'dpm_resume(PMSG_THAW)', run: thawDevices } },
  { name: 'dpm_suspend_end(PMSG_FREEZE)', undo: { name: 'dpm_resume_start(PMSG_THAW)' } },
  { name: 'platform_pre_snapshot', undo: { name: 'platform_finish' } },
];

/** Run `fn` with the machine frozen; 0, fn's result, or the errno of the step that failed. */
export function hibernateQuietExec(machine: Machine, tracer: Tracer, fn: () => number): number {
  const log = (text: string) => tracer.emit('quiesce', text);
  let done = 0;
  let error = 0;
  for (const step of SEQUENCE) {
    error = step.run ? step.run(machine, log) : 0;
    if (error !== 0) {
      log(`${step.name}: -${errnoName(-error) ?? -error}, unwinding`);
      break;
    }
    log(`${step.name}: ok`);
    done += 1;
  }
  if (error === 0) {
    log('run: firmware activate');
    machine.frozen = true;
    try {
      error = fn();
    } finally {
      machine.frozen = false;
    }
  }
  for (const step of SEQUENCE.slice(0, done).reverse()) {
    if (!step.undo) continue;
    step.undo.run?.(machine, log);
    log(step.undo.name);
  }
  return error;
}

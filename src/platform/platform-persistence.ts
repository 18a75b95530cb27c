// What the platform keeps across a daemon restart, and the sink it hands
// every change to. The platform knows nothing of files: the daemon injects
// an implementation (src/persist/) and the platform calls it synchronously,
// so a change is durable before the DSM call that made it returns (a
// SET_CONFIG_DATA is acknowledged only once its bytes are on disk).
// docs/persistence.md says what is kept and why.
import type { FwUpdateState } from './dimm-firmware.js';

/** A DIMM as the topology identifies it: its bus and its NFIT device handle. */
export function dimmKey(busIndex: number, handle: number): string {
  return `bus${busIndex}-dimm0x${handle.toString(16).padStart(4, '0')}`;
}

/** A region as the topology identifies it: its bus and its place in that bus's list. */
export function regionKey(busIndex: number, regionIndex: number): string {
  return `bus${busIndex}-region${regionIndex}`;
}

/**
 * One DIMM's firmware update and activation state. No timer is kept: a
 * restart counts as long enough for a verify in progress to have finished
 * (docs/persistence.md).
 */
export interface FirmwareSnapshot {
  readonly state: FwUpdateState;
  readonly context: number;
  readonly sizeReceived: number;
  /** updated_version, as a decimal string (a u64). */
  readonly version: string;
  readonly armed: boolean;
  readonly missedActivate: boolean;
  readonly lastActivate: number;
  readonly activationResult: number;
}

/**
 * The platform-wide last activation (nfit_test's static last_activate):
 * which one it was, so that DIMMs still report its result. Its time is not
 * kept: the busy window after it has ended by the time the daemon is back.
 */
export interface TimelineSnapshot {
  readonly seq: number;
}

export interface SavedDimm {
  readonly labels?: Buffer;
  readonly firmware?: FirmwareSnapshot;
}

/** Everything loaded from a state directory before the platform is built. */
export interface SavedPlatform {
  readonly dimms: ReadonlyMap<string, SavedDimm>;
  readonly timeline?: TimelineSnapshot;
  /** Non-zero 4 KiB media pages by region key, then page number. */
  readonly media: ReadonlyMap<string, ReadonlyMap<number, Buffer>>;
}

/** Each call returns once the change is durable, or throws. */
export interface PlatformPersistence {
  readonly saved: SavedPlatform;
  labelsWritten(dimm: string, bytes: Buffer): void;
  firmwareChanged(dimm: string, firmware: FirmwareSnapshot): void;
  timelineChanged(timeline: TimelineSnapshot): void;
  /** A media page now holds `bytes` (undefined: all zeros again). */
  mediaPageWritten(region: string, page: number, bytes: Buffer | undefined): void;
}

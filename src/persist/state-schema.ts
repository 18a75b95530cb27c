// The JSON files of a state directory (docs/persistence.md). Each carries
// its format number; a file of another format is refused, not guessed at.
import { z } from 'zod';

export const STATE_FORMAT = 1;

const format = z.literal(STATE_FORMAT);

/** ndsim-state.json: which topology the directory was made for. */
export const Manifest = z.strictObject({
  format,
  /** The name the topology was asked for by, for messages. */
  topology: z.string(),
  /** sha256 of the validated topology: the identity checked on every start. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Manifest = z.infer<typeof Manifest>;

const u32 = z.number().int().min(0).max(0xffff_ffff);

/** dimms/<key>.firmware.json */
export const FirmwareFile = z.strictObject({
  format,
  state: z.enum(['new', 'in_progress', 'verify', 'updated']),
  context: u32,
  sizeReceived: z.number().int().nonnegative(),
  version: z.string().regex(/^[0-9]+$/),
  armed: z.boolean(),
  missedActivate: z.boolean(),
  lastActivate: z.number().int().nonnegative(),
  activationResult: u32,
});

/** platform.json: the platform-wide last activation. */
export const PlatformFile = z.strictObject({
  format,
  timeline: z.strictObject({ seq: z.number().int().nonnegative() }),
});

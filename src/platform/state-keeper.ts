// Hands the platform's lasting state to an injected persistence sink: the
// saved state is taken up before anything asks the DIMMs, label writes go
// through synchronously (LabelArea's sink), and after every DSM call the
// firmware state of the DIMMs it could have touched is compared with what
// was last kept and, if it moved, kept again before the call returns.
import type { Tracer } from '../trace/tracer.js';
import type { ActivationTimeline } from './bus-activation.js';
import type { DimmFirmware } from './dimm-firmware.js';
import type { LabelArea } from './label-area.js';
import { dimmKey, type FirmwareSnapshot, type PlatformPersistence } from './platform-persistence.js';

/** What the keeper needs of a DIMM (PlatformDimm, without the import cycle). */
export interface KeptDimm {
  readonly handle: number;
  readonly name: string;
  readonly firmware: DimmFirmware;
  readonly labels: LabelArea | undefined;
}

/** What a media store needs to start from and to report to. */
export interface MediaBacking {
  readonly pages: ReadonlyMap<number, Buffer>;
  pageWritten(page: number, bytes: Buffer | undefined): void;
}

function comparable(s: FirmwareSnapshot): string {
  return JSON.stringify(s);
}

export class StateKeeper {
  /** The JSON of what was last kept per DIMM (and for the timeline), to skip unchanged state. */
  private readonly kept = new Map<string, string>();
  private keptSeq = 0;

  constructor(
    private readonly persistence: PlatformPersistence,
    private readonly timeline: ActivationTimeline,
    private readonly tracer: Tracer,
  ) {}

  /** Take up the saved state of one DIMM and route its label writes to the sink. */
  adopt(busIndex: number, dimm: KeptDimm): void {
    const key = dimmKey(busIndex, dimm.handle);
    const saved = this.persistence.saved.dimms.get(key);
    if (saved?.labels && dimm.labels) dimm.labels.restore(saved.labels);
    if (saved?.firmware) dimm.firmware.restore(saved.firmware);
    this.kept.set(key, comparable(dimm.firmware.snapshot()));
    const labels = dimm.labels;
    if (labels) {
      labels.sink = (bytes) => {
        try {
          this.persistence.labelsWritten(key, bytes);
        } catch (e) {
          this.failed(`${dimm.name}: label write not kept`, e);
          throw e;
        }
      };
    }
  }

  /** Take up the saved last activation (before any DIMM is asked). */
  adoptTimeline(): void {
    const t = this.persistence.saved.timeline;
    if (t) {
      this.timeline.seq = t.seq;
      // Long enough ago that the busy window after it is over (bus-activation.ts busy()).
      this.timeline.at = -Infinity;
    }
    this.keptSeq = this.timeline.seq;
  }

  media(region: string): MediaBacking {
    return {
      pages: this.persistence.saved.media.get(region) ?? new Map(),
      pageWritten: (page, bytes) => {
        try {
          this.persistence.mediaPageWritten(region, page, bytes);
        } catch (e) {
          this.failed(`${region}: media page ${page} not kept`, e);
          throw e;
        }
      },
    };
  }

  /**
   * Keep what a DSM call changed of these DIMMs' firmware and of the
   * activation timeline; false if it could not be kept.
   */
  settle(busIndex: number, dimms: readonly KeptDimm[]): boolean {
    try {
      for (const d of dimms) {
        const key = dimmKey(busIndex, d.handle);
        const snap = d.firmware.snapshot();
        const json = comparable(snap);
        if (json === this.kept.get(key)) continue;
        this.persistence.firmwareChanged(key, snap);
        this.kept.set(key, json);
      }
      if (this.timeline.seq !== this.keptSeq) {
        this.persistence.timelineChanged({ seq: this.timeline.seq });
        this.keptSeq = this.timeline.seq;
      }
      return true;
    } catch (e) {
      this.failed('firmware state not kept', e);
      return false;
    }
  }

  private failed(what: string, e: unknown): void {
    const why = e instanceof Error ? e.message : String(e);
    this.tracer.emit('state', `${what}: ${why}`, { error: why });
  }
}

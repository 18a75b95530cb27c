// The data `ndsim explain` answers with: plain, JSON-safe objects (the
// control socket sends them as is), one shape per kind of path.
import type { AttributeDoc, DeviceKind } from './attribute-docs.js';

/** One symlink followed on the way to the canonical path. */
export interface LinkStep {
  readonly link: string;
  readonly target: string;
}

/** The device directory a path belongs to. */
export interface DeviceInfo {
  readonly path: string;
  readonly name: string;
  readonly kind: DeviceKind;
  readonly title: string;
  readonly about: string;
  /** The bound driver (basename of the driver link), null while unbound or for driverless kinds. */
  readonly driver: string | null;
  /** Where the subsystem link points, relative to /sys ("bus/nd", "class/block"), if there is one. */
  readonly subsystem: string | null;
}

export interface Access {
  /** "0600" */
  readonly octal: string;
  /** "-rw-------" */
  readonly symbolic: string;
  readonly readable: boolean;
  readonly writable: boolean;
  /** Who may read it, in words. */
  readonly read: string;
  /** Who may write it, in words. */
  readonly write: string;
}

/** The file's content as a reader gets it, or the errno name its open or read fails with. */
export type CurrentValue = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly errno: string; readonly during: 'open' | 'read' };

export interface WriteOutcome {
  /** What is written ("live", "anything else"). */
  readonly input: string;
  readonly effect: string;
}

export interface WritePrediction {
  readonly summary: string;
  readonly outcomes: readonly WriteOutcome[];
}

interface ExplanationBase {
  /** The path as asked. */
  readonly path: string;
  /** The path with every symlink resolved. */
  readonly canonicalPath: string;
  readonly links: readonly LinkStep[];
  readonly device: DeviceInfo | null;
  readonly access: Access;
}

export interface AttributeExplanation extends ExplanationBase {
  readonly type: 'attribute';
  /** The path relative to the device directory ("firmware/activate"), or the file name outside any device. */
  readonly attribute: string;
  readonly doc: AttributeDoc | null;
  readonly value: CurrentValue;
  readonly write: WritePrediction;
}

export interface DirectoryEntry {
  /** Relative to the device directory (or to the listed directory outside devices). */
  readonly name: string;
  readonly type: 'file' | 'dir' | 'link' | 'device' | 'node';
  /** "-rw-------" for files. */
  readonly mode: string;
  readonly summary: string;
}

export interface DirectoryExplanation extends ExplanationBase {
  readonly type: 'directory';
  /** The attribute group the directory is ("firmware"), null for the device directory itself. */
  readonly group: string | null;
  readonly entries: readonly DirectoryEntry[];
}

export interface DeviceNodeExplanation extends ExplanationBase {
  readonly type: 'devnode';
  readonly nodeType: 'char' | 'block';
  /** "MAJOR:MINOR" */
  readonly devnum: string;
}

export type Explanation = AttributeExplanation | DirectoryExplanation | DeviceNodeExplanation;

// One namespace label slot (drivers/nvdimm/label.h struct nvdimm_efi_label
// and the nsl_* accessors of nd.h). A v1.1 label is 128 bytes and stops
// after `align`; the type/abstraction GUIDs and the checksum exist only in
// the 256-byte v1.2 label (efi_namespace_label_has()).
import { decode, defineLayout, encode, u16, u32, u64, u8 } from '../platform/payload.js';
import { CLAIM_CLASS_GUID, type ClaimClass } from './claim-class.js';
import { fletcher64 } from './nd-fletcher64.js';
import { guidParse } from './uuid.js';

export const NSLABEL_UUID_LEN = 16;
export const NSLABEL_NAME_LEN = 64;
/** NSLABEL_FLAG_UPDATING: set while a label set is being rewritten (UEFI 2.7). */
export const NSLABEL_FLAG_UPDATING = 0x8;

/** The fixed-offset fields every label size has. */
export const EFI_LABEL = defineLayout('nvdimm_efi_label', 128, {
  flags: u32(80),
  nlabel: u16(84),
  position: u16(86),
  isetcookie: u64(88),
  lbasize: u64(96),
  dpa: u64(104),
  rawsize: u64(112),
  slot: u32(120),
  align: u8(124),
});
const UUID_AT = 0;
const NAME_AT = 16;
const TYPE_GUID_AT = 128;
const ABSTRACTION_GUID_AT = 144;
const CHECKSUM_AT = 248;

/** efi_namespace_label_has(): a field exists when it starts inside the label. */
function has(labelSize: number, offset: number): boolean {
  return offset < labelSize;
}

export function labelUuid(label: Buffer): Buffer {
  return Buffer.from(label.subarray(UUID_AT, UUID_AT + NSLABEL_UUID_LEN));
}

/** nsl_ref_name(): the 64-byte name field, NUL-padded. */
export function labelName(label: Buffer): Buffer {
  return Buffer.from(label.subarray(NAME_AT, NAME_AT + NSLABEL_NAME_LEN));
}

export function labelFields(label: Buffer) {
  return decode(EFI_LABEL, label);
}

const GUID_NULL = Buffer.alloc(16);

/** nsl_get_claim_class(): NONE for v1.1 labels, else the class the abstraction GUID names. */
export function labelClaimClass(label: Buffer, labelSize: number): ClaimClass {
  if (!has(labelSize, ABSTRACTION_GUID_AT)) return 'none';
  const guid = label.subarray(ABSTRACTION_GUID_AT, ABSTRACTION_GUID_AT + 16);
  if (guid.equals(GUID_NULL)) return 'none';
  for (const [cls, text] of Object.entries(CLAIM_CLASS_GUID)) if (text && guid.equals(guidParse(text))) return cls as ClaimClass;
  return 'unknown';
}

/** nsl_validate_type_guid(): v1.1 labels carry no type GUID and always match. */
export function labelTypeGuidMatches(label: Buffer, labelSize: number, typeGuid: Buffer): boolean {
  if (!has(labelSize, TYPE_GUID_AT)) return true;
  return label.subarray(TYPE_GUID_AT, TYPE_GUID_AT + 16).equals(typeGuid);
}

/** nsl_validate_checksum(): only labels with a checksum field are checked. */
export function labelChecksumValid(label: Buffer, labelSize: number): boolean {
  if (!has(labelSize, CHECKSUM_AT)) return true;
  const copy = Buffer.from(label.subarray(0, labelSize));
  const saved = copy.readBigUInt64LE(CHECKSUM_AT);
  copy.writeBigUInt64LE(0n, CHECKSUM_AT);
  return fletcher64(copy) === saved;
}

export interface NewLabel {
  uuid: Buffer;
  /** NSLABEL_NAME_LEN bytes, or null to leave the name zeroed (nsl_set_name(NULL)). */
  name: Buffer | null;
  flags: number;
  nlabel: number;
  position: number;
  isetcookie: bigint;
  lbasize: bigint;
  dpa: bigint;
  rawsize: bigint;
  slot: number;
  typeGuid: Buffer;
  claimClass: ClaimClass;
}

/**
 * __pmem_label_update()'s label: zero the slot, set every field the label
 * size has, then the checksum (nsl_calculate_checksum()).
 */
export function fillLabel(label: Buffer, labelSize: number, l: NewLabel): void {
  label.fill(0, 0, labelSize);
  l.uuid.copy(label, UUID_AT);
  if (l.name) l.name.copy(label, NAME_AT, 0, NSLABEL_NAME_LEN);
  encode(EFI_LABEL, label, {
    flags: l.flags,
    nlabel: l.nlabel,
    position: l.position,
    isetcookie: l.isetcookie,
    lbasize: l.lbasize,
    dpa: l.dpa,
    rawsize: l.rawsize,
    slot: l.slot,
  });
  if (has(labelSize, TYPE_GUID_AT)) l.typeGuid.copy(label, TYPE_GUID_AT);
  if (has(labelSize, ABSTRACTION_GUID_AT)) {
    // to_abstraction_guid(): an unknown class keeps what is there, which on a zeroed slot is nothing.
    const text = CLAIM_CLASS_GUID[l.claimClass];
    if (text) guidParse(text).copy(label, ABSTRACTION_GUID_AT);
  }
  if (has(labelSize, CHECKSUM_AT)) {
    label.writeBigUInt64LE(0n, CHECKSUM_AT);
    label.writeBigUInt64LE(fletcher64(label.subarray(0, labelSize)), CHECKSUM_AT);
  }
}

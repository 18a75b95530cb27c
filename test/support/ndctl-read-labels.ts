// `ndctl read-labels -j nmemN` (ndctl v76.1 ndctl/dimm.c dump_index_json,
// dump_label_json) over a label area, so a test can compare an area with a
// capture of the real tool's output. Numbers are kept as decimal strings:
// interleave-set cookies do not fit a JavaScript number.

export interface ReadLabelsJson {
  dev: string;
  index: Array<Record<string, string>>;
  label: Array<Record<string, string>>;
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('latin1');
}

/** uuid_unparse(): the 16 bytes in order, lowercase. */
function unparse(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The JSON ndctl prints for an area with index blocks of `indexSize` bytes
 * and labels of `labelSize` bytes: both index headers, then every slot whose
 * stored slot number matches its position, free or not.
 */
export function readLabelsJson(dev: string, area: Buffer, indexSize = 256, labelSize = 128): ReadLabelsJson {
  const index = [0, 1].map((i) => {
    const b = area.subarray(i * indexSize, i * indexSize + 72);
    return {
      signature: cString(b.subarray(0, 15)),
      major: `${b.readUInt16LE(60)}`,
      minor: `${b.readUInt16LE(62)}`,
      labelsize: `${1 << (7 + b.readUInt8(19))}`,
      seq: `${b.readUInt32LE(20)}`,
      nslot: `${b.readUInt32LE(56)}`,
    };
  });
  const label: Array<Record<string, string>> = [];
  for (let offset = indexSize * 2, slot = 0; offset + labelSize <= area.length; offset += labelSize, slot++) {
    const l = area.subarray(offset, offset + labelSize);
    if (l.readUInt32LE(120) !== slot) continue;
    label.push({
      uuid: unparse(l.subarray(0, 16)),
      name: cString(l.subarray(16, 16 + 63)),
      slot: `${slot}`,
      position: `${l.readUInt16LE(86)}`,
      nlabel: `${l.readUInt16LE(84)}`,
      flags: `${l.readUInt32LE(80)}`,
      isetcookie: `${l.readBigUInt64LE(88)}`,
      lbasize: `${l.readBigUInt64LE(96)}`,
      dpa: `${l.readBigUInt64LE(104)}`,
      rawsize: `${l.readBigUInt64LE(112)}`,
    });
  }
  return { dev, index, label };
}

/** A captured `ndctl read-labels -j` output, numbers read as decimal strings. */
export function parseReadLabels(text: string): ReadLabelsJson[] {
  return JSON.parse(text.replace(/":(-?\d+)/g, '":"$1"')) as ReadLabelsJson[];
}

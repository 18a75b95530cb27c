// An Explanation rendered as text for a terminal.
import type { AttributeDoc, DsmRef } from './attribute-docs.js';
import type { AttributeExplanation, CurrentValue, DeviceInfo, DirectoryExplanation, Explanation, WriteOutcome, WritePrediction } from './explanation-types.js';

const WIDTH = 78;
const LABEL = 12;

const dsmText = (d: DsmRef) => `${d.family} DSM ${d.fn} ${d.name}`;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (cur.length > 0 && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = word;
    } else cur = cur.length > 0 ? `${cur} ${word}` : word;
  }
  lines.push(cur);
  return lines;
}

/** "label       text" with the text wrapped under itself. */
function field(label: string, text: string, indent = LABEL): string[] {
  return wrap(text, WIDTH - indent).map((l, i) => (i === 0 ? label.padEnd(indent) : ' '.repeat(indent)) + l);
}

function valueText(v: CurrentValue): string {
  return v.ok ? JSON.stringify(v.text) : `${v.errno} (the ${v.during} fails)`;
}

function deviceLines(d: DeviceInfo | null): string[] {
  if (!d) return field('device', 'none: this path is not inside a device directory');
  const driver = d.driver ? `, driver ${d.driver}` : d.subsystem === 'bus/nd' || d.subsystem === 'bus/dax' ? ', no driver bound' : '';
  return [...field('device', `${d.name}: ${d.title} (kind ${d.kind})${driver}`), ...field('', d.path)];
}

function dsmLines(doc: AttributeDoc): string[] {
  const parts: string[] = [];
  if (doc.dsm?.read?.length) parts.push(`read: ${doc.dsm.read.map(dsmText).join(', ')}`);
  if (doc.dsm?.write?.length) parts.push(`write: ${doc.dsm.write.map(dsmText).join(', ')}`);
  return parts.flatMap((p, i) => field(i === 0 ? 'DSM' : '', p));
}

/** One possible write: a short input shares its line with the effect, a long one gets a line of its own. */
function outcomeLines(o: WriteOutcome): string[] {
  const label = `  ${o.input}:`;
  if (label.length < LABEL) return field(label, o.effect);
  return [label, ...field('', o.effect)];
}

function predictionLines(w: WritePrediction, doc: AttributeDoc | null): string[] {
  // A prediction that only repeats the documentation's "accepts" says nothing new.
  if (w.outcomes.length === 0 && w.summary === doc?.write) return field('write now', 'as under accepts; the current state changes nothing about it');
  return [...field('write now', w.summary), ...w.outcomes.flatMap(outcomeLines)];
}

function attributeLines(e: AttributeExplanation): string[] {
  const doc = e.doc;
  return [
    ...field('attribute', doc ? `${e.attribute}: ${doc.summary}` : `${e.attribute} (no documentation for this file)`),
    ...field('mode', `${e.access.octal} ${e.access.symbolic}; read: ${e.access.read}; write: ${e.access.write}`),
    ...field('value', valueText(e.value)),
    ...(doc ? [...field('meaning', doc.meaning), ...field('shows', doc.values), ...(doc.write ? field('accepts', doc.write) : []), ...dsmLines(doc)] : []),
    ...predictionLines(e.write, doc),
  ];
}

function directoryLines(e: DirectoryExplanation): string[] {
  const width = Math.min(32, Math.max(...e.entries.map((x) => x.name.length), 4) + 2);
  return [
    ...(e.device ? field('about', e.device.about) : []),
    ...(e.group ? field('group', `${e.group}/ of ${e.device?.name ?? ''}`) : []),
    ...field('mode', `${e.access.octal} ${e.access.symbolic}`),
    `entries (${e.entries.length}):`,
    ...e.entries.map((x) => `  ${x.name.padEnd(width)} ${x.mode}  ${x.summary}`),
  ];
}

export function formatExplanation(e: Explanation): string {
  const lines = [e.canonicalPath];
  if (e.path !== e.canonicalPath) lines.push(`  asked as ${e.path}`);
  for (const l of e.links) lines.push(`  symlink ${l.link} -> ${l.target}`);
  lines.push(...deviceLines(e.device));
  if (e.type === 'attribute') lines.push(...attributeLines(e));
  else if (e.type === 'directory') lines.push(...directoryLines(e));
  else lines.push(...field('node', `${e.nodeType} device ${e.devnum}, mode ${e.access.octal} ${e.access.symbolic}; who may open it: ${e.access.read}. The device above is the one /sys/dev/${e.nodeType}/${e.devnum} leads to.`));
  return `${lines.join('\n')}\n`;
}

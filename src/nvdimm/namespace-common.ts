// struct nd_namespace_common (include/linux/nd.h): what every namespace
// type shares, and the attributes namespace_devs.c shows the same way for
// both (holder, mode).
import { line } from '../kernel/format.js';
import { ro, type DeviceAttribute } from './attribute.js';
import type { NamespaceIo } from './namespace-io.js';
import type { NamespacePmem } from './namespace-pmem.js';
import type { SeedKind } from './seed-devices.js';

export type NdNamespace = NamespaceIo | NamespacePmem;

/** mode_show(): a claim names the personality; unclaimed NFIT namespaces are not page-mappable, so "raw". */
const MODE_OF_CLAIM: Readonly<Record<SeedKind, string>> = { btt: 'safe', pfn: 'memory', dax: 'dax' };

export function holderAttr<N extends NdNamespace>(): DeviceAttribute<N> {
  return ro('holder', (ns) => line(ns.claim?.name ?? ''));
}

export function modeAttr<N extends NdNamespace>(): DeviceAttribute<N> {
  return ro('mode', (ns) => line(ns.claim ? MODE_OF_CLAIM[ns.claim.kind] : 'raw'));
}

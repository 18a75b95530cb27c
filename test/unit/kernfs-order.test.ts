import { describe, expect, it } from 'vitest';
import { kernfsOrder } from '../../src/sysfs/kernfs-order.js';

describe('kernfs readdir order', () => {
  // ndctl prepends each device it reads, so its output is readdir order reversed:
  // the capture lists nmem1, nmem3, nmem0, nmem2 and ndbus1 before ndbus0.
  it('orders nfit_test DIMMs as the real sysfs does', () => {
    expect(kernfsOrder(['nmem0', 'nmem1', 'nmem2', 'nmem3']).reverse()).toEqual(['nmem1', 'nmem3', 'nmem0', 'nmem2']);
  });
  it('orders regions and buses as the real sysfs does', () => {
    expect(kernfsOrder(['region0', 'region1']).reverse()).toEqual(['region1', 'region0']);
    expect(kernfsOrder(['ndctl0', 'ndctl1']).reverse()).toEqual(['ndctl1', 'ndctl0']);
    expect(kernfsOrder(['nmem4', 'nmem5']).reverse()).toEqual(['nmem5', 'nmem4']);
  });
});

import { describe, expect, it } from 'vitest';
import { hexAlt, tokenList } from '../../src/kernel/format.js';
import { kstrtobool, kstrtoull, sysfsStreq, cString } from '../../src/kernel/parse.js';

describe('kernel formatting', () => {
  it('prints hex zero as 0x0, like the kernel and unlike glibc', () => {
    expect(hexAlt(0)).toBe('0x0');
    expect(hexAlt(0x3a0)).toBe('0x3a0');
  });
  it('ends token lists with a space before the newline', () => {
    expect(tokenList(['a', 'b'])).toBe('a b \n');
    expect(tokenList([])).toBe('\n');
  });
});

describe('store parsing', () => {
  it('cuts the written bytes at the first NUL', () => {
    expect(cString(Buffer.from('arm\0'))).toBe('arm');
    expect(cString(Buffer.from('live\n\0junk'))).toBe('live\n');
  });
  it('sysfs_streq ignores one trailing newline only', () => {
    expect(sysfsStreq('live\n', 'live')).toBe(true);
    expect(sysfsStreq('live ', 'live')).toBe(false);
    expect(sysfsStreq('Live', 'live')).toBe(false);
  });
  it('kstrtobool decides on the first character', () => {
    expect(kstrtobool('Y')).toBe(true);
    expect(kstrtobool('1\n')).toBe(true);
    expect(kstrtobool('off')).toBe(false);
    expect(() => kstrtobool('bogus')).toThrow(/EINVAL/);
    expect(() => kstrtobool('')).toThrow(/EINVAL/);
  });
  it('kstrtoull takes base 0 and one newline', () => {
    expect(kstrtoull('0x1000000\n')).toBe(0x1000000n);
    expect(kstrtoull('010')).toBe(8n);
    expect(() => kstrtoull('12 ')).toThrow(/EINVAL/);
    expect(() => kstrtoull('')).toThrow(/EINVAL/);
  });
});

// Where the benchmark finds the pieces it runs.
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const CLI = join(REPO, 'bin/ndsim.js');
export const IOCTL_RTT = join(REPO, 'native-shim/build/ioctl-rtt');
export const SCALE_DIR = join(REPO, 'topologies/scale');

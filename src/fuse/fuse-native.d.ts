// The subset of fuse-native's API ndsim uses (the package ships no types).
declare module 'fuse-native' {
  namespace Fuse {
    export type Cb<T = void> = T extends void ? (err: number) => void : (err: number, value?: T) => void;
    export interface Stat {
      mode: number;
      uid: number;
      gid: number;
      size: number;
      nlink: number;
      rdev: number;
      /** Dates, or milliseconds since the epoch (fuse-native takes either). */
      mtime: Date | number;
      atime: Date | number;
      ctime: Date | number;
  }
  export interface Ops {
    init?(cb: Cb): void;
    getattr?(path: string, cb: Cb<Stat>): void;
    fgetattr?(path: string, fd: number, cb: Cb<Stat>): void;
    readdir?(path: string, cb: (err: number, names?: string[]) => void): void;
    readlink?(path: string, cb: Cb<string>): void;
    open?(path: string, flags: number, cb: Cb<number>): void;
    release?(path: string, fd: number, cb: Cb): void;
    read?(path: string, fd: number, buf: Buffer, len: number, pos: number, cb: (result: number) => void): void;
    write?(path: string, fd: number, buf: Buffer, len: number, pos: number, cb: (result: number) => void): void;
    truncate?(path: string, size: number, cb: Cb): void;
    ftruncate?(path: string, fd: number, size: number, cb: Cb): void;
    access?(path: string, mode: number, cb: Cb): void;
    create?(path: string, mode: number, cb: Cb<number>): void;
    unlink?(path: string, cb: Cb): void;
    mkdir?(path: string, mode: number, cb: Cb): void;
    rmdir?(path: string, cb: Cb): void;
    rename?(src: string, dest: string, cb: Cb): void;
    symlink?(target: string, path: string, cb: Cb): void;
    link?(target: string, path: string, cb: Cb): void;
    chmod?(path: string, mode: number, cb: Cb): void;
    chown?(path: string, uid: number, gid: number, cb: Cb): void;
    utimens?(path: string, atime: number, mtime: number, cb: Cb): void;
    mknod?(path: string, mode: number, dev: number, cb: Cb): void;
  }
  export interface Options {
    force?: boolean;
    mkdir?: boolean;
    autoUnmount?: boolean;
    defaultPermissions?: boolean;
    allowOther?: boolean;
    attrTimeout?: number | string;
    entryTimeout?: number | string;
    fsname?: string;
    /** Joined into fuse-native's -o list after a comma: more options can ride on it. */
    subtype?: string;
    debug?: boolean;
    /** Per-request answer deadline in ms; false for none. */
    timeout?: number | false;
  }
  }
  class Fuse {
    constructor(mnt: string, ops: Fuse.Ops, opts?: Fuse.Options);
    mount(cb: (err: Error | null) => void): void;
    unmount(cb: (err: Error | null) => void): void;
    static unmount(mnt: string, cb: (err: Error | null) => void): void;
    static isConfigured(cb: (err: Error | null, configured: boolean) => void): void;
  }
  export = Fuse;
}

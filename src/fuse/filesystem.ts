// The small interface the FUSE adapter serves. Failures are thrown as
// KernelError; anything else thrown is a bug and answers EIO.
export interface FileStatLike {
  mode: number;
  size: number;
  nlink: number;
  rdev: number;
}

export interface MountableFs {
  getattr(path: string): FileStatLike;
  readdir(path: string): string[];
  readlink(path: string): string;
  open(path: string, flags: number): number;
  read(handle: number, length: number, position: number): Buffer;
  write(handle: number, data: Buffer): number;
  release(handle: number): void;
  truncate(path: string): void;
}

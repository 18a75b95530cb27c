// The Linux errno values that the libnvdimm ABI surfaces to userspace.
// Numbers are the x86-64 asm-generic ones (include/uapi/asm-generic/errno-base.h, errno.h).
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EFBIG: 27,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENOTTY: 25,
  ENOSPC: 28,
  EROFS: 30,
  ERANGE: 34,
  ENOSYS: 38,
  ENOKEY: 126,
  EOPNOTSUPP: 95,
  ETIMEDOUT: 110,
} as const;

export type ErrnoName = keyof typeof ERRNO;

/**
 * A kernel-style failure: what a show()/store() or a provider op returns as
 * a negative errno. It travels up to the FUSE adapter, which answers the
 * syscall with the same errno.
 */
export class KernelError extends Error {
  readonly errno: number;
  constructor(code: ErrnoName, detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.errno = ERRNO[code];
  }

  /** From a positive errno number, which may be one ndsim has no name for. */
  static fromErrno(errno: number): KernelError {
    const e = new KernelError('EIO');
    Object.defineProperty(e, 'errno', { value: errno });
    e.message = errnoName(errno) ?? `errno ${errno}`;
    return e;
  }
}

export function isKernelError(e: unknown): e is KernelError {
  return e instanceof KernelError;
}

export function errnoName(errno: number): ErrnoName | undefined {
  for (const [name, value] of Object.entries(ERRNO)) {
    if (value === errno) return name as ErrnoName;
  }
  return undefined;
}

// open(2) access modes (include/uapi/asm-generic/fcntl.h), as the sysfs
// files and the control devices check them.
export const O_ACCMODE = 3;
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;

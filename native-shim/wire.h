/* The shim's side of the daemon protocol (docs/shim-transport.md). */
#ifndef NDSIM_WIRE_H
#define NDSIM_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define NDSIM_MAGIC 0x4d53444eu /* "NDSM" as little-endian bytes */
#define NDSIM_HEADER_SIZE 16
#define NDSIM_OP_OPEN 1u
#define NDSIM_OP_IOCTL 2u
#define NDSIM_REPLY_DONE 0u
#define NDSIM_REPLY_NEED 1u
#define NDSIM_REPLY_UNLESS_FAULT 2u
/* UNLESS_FAULT payload: u64 offset, u32 length of the range to check. */
#define NDSIM_RANGE_SIZE 12u
/* The longest range UNLESS_FAULT may name (the kernel's ND_CMD_MAX_ENVELOPE). */
#define NDSIM_MAX_RANGE 256u
/* The most argument bytes one ioctl may move either way. */
#define NDSIM_MAX_PAYLOAD (8u * 1024u * 1024u)

/*
 * The OPEN exchange on a freshly connected socket. Returns 0, the daemon's
 * errno (positive), or EIO when the reply is not a well-formed DONE.
 */
int ndsim_wire_open(int sock, const char *name, size_t name_len, int flags);

/*
 * One whole ioctl: IOCTL with len 0, NEEDs answered by re-sending the
 * leading bytes of `arg`, DONE copied back. The caller holds the shim's
 * lock (the bounce buffer is shared). Returns the ioctl's value (>= 0), or
 * -1 with *err set: the daemon's errno, EFAULT for an unreadable or
 * unwritable argument, EIO for a broken exchange (the socket is then shut
 * down, so later calls fail fast instead of reading a stale reply).
 */
int ndsim_wire_ioctl(int sock, uint32_t request, void *arg, int *err);

/*
 * Copy to/from the caller's memory the way the kernel's copy_*_user does:
 * a bad pointer gives EFAULT instead of a crash. Return 0 or an errno.
 * Safe without the lock.
 */
int ndsim_copy_in(void *dst, const void *user_src, size_t n);
int ndsim_copy_out(void *user_dst, const void *src, size_t n);

#endif

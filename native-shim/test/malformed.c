/*
 * Malformed nd ioctls against the real daemon, through libndsim (run under
 * LD_PRELOAD with NDSIM_ROOT, NDSIM_SOCKET and NDSIM_SYS=1). Each case
 * issues one ioctl and prints what came back; the expected errno of every
 * case, with the kernel function it comes from, lives in
 * test/integration/malformed-ioctl.test.ts. After every case the same
 * descriptor must still answer ND_IOCTL_GET_CONFIG_SIZE and a sysfs
 * attribute must still read: a bad request may fail, it may not break
 * the file or the daemon.
 *
 *   malformed DIMM BUS0 BUS1 IDLE_DIMM
 *     DIMM: an nmem on the bus with ND_CMD_CALL (nmem0); BUS0, BUS1: its
 *     bus's ndctl and the other bus's; IDLE_DIMM: an nmem in no region
 *     (its labels are not busy).
 *
 * Output, one line each:
 *   case NAME RC ERRNO [KEY=VALUE...]   ERRNO is 0 when RC >= 0
 *   alive NAME ok | alive NAME FAIL why
 *   setup FAIL why                      (exit 2)
 *
 * User buffers end at a PROT_NONE guard page, so "the buffer is N bytes"
 * means the byte after it faults, as copy_from_user sees it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* _IOC encoding (include/uapi/asm-generic/ioctl.h). */
#define IOC(dir, type, nr, size) \
	((unsigned long)(((unsigned)(dir) << 30) | ((unsigned)(size) << 16) | ((unsigned)(type) << 8) | (unsigned)(nr)))
#define IOC_RW 3u
#define ND_TYPE 'N'
#define ND_IOCTL(nr, size) IOC(IOC_RW, ND_TYPE, nr, size)

/* include/uapi/linux/ndctl.h */
#define ND_CMD_ARS_CAP 1
#define ND_CMD_ARS_STATUS 3
#define ND_CMD_DIMM_FLAGS 3
#define ND_CMD_GET_CONFIG_SIZE 4
#define ND_CMD_GET_CONFIG_DATA 5
#define ND_CMD_SET_CONFIG_DATA 6
#define ND_CMD_VENDOR_EFFECT_LOG_SIZE 7
#define ND_CMD_VENDOR 9
#define ND_CMD_CALL 10
#define PKG_SIZE 64u /* sizeof(struct nd_cmd_pkg) */
#define CFG_SIZE_LEN 12u /* struct nd_cmd_get_config_size */
#define CFG_HDR_LEN 12u /* struct nd_cmd_get_config_data_hdr */
#define SET_HDR_LEN 8u /* struct nd_cmd_set_config_hdr */
#define MIB (1024u * 1024u)
#define MAX_BUFLEN (4u * MIB) /* ND_IOCTL_MAX_BUFLEN */

#define GET_CONFIG_SIZE ND_IOCTL(ND_CMD_GET_CONFIG_SIZE, CFG_SIZE_LEN)
#define GET_CONFIG_DATA ND_IOCTL(ND_CMD_GET_CONFIG_DATA, CFG_HDR_LEN)
#define SET_CONFIG_DATA ND_IOCTL(ND_CMD_SET_CONFIG_DATA, SET_HDR_LEN)
#define CALL ND_IOCTL(ND_CMD_CALL, PKG_SIZE)

/* Intel DIMM DSM functions (drivers/acpi/nfit/intel.h) and sizes. */
#define INTEL_SMART 1u
#define INTEL_SMART_LEN 132u
#define INTEL_FW_GET_INFO 12u
#define INTEL_GET_MODES 11u /* not served by nfit_test_ctl */

static long page;
static int failures;
static const char *dimm_name;
static int dimm_fd = -1;

static void setup_fail(const char *why)
{
	printf("setup FAIL %s (errno %d %s)\n", why, errno, strerror(errno));
	exit(2);
}

/*
 * A buffer of `len` bytes (page-aligned start is not promised) followed by a
 * PROT_NONE page. Returned pointer p: p[0..len) is read-write, p[len] faults.
 */
struct region {
	void *map;
	size_t map_len;
};

static unsigned char *guarded(size_t len, struct region *r)
{
	size_t data_pages = (len + (size_t)page - 1) / (size_t)page;
	unsigned char *base;

	r->map_len = (data_pages + 1) * (size_t)page;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->map == MAP_FAILED)
		setup_fail("mmap");
	base = r->map;
	if (mprotect(base + data_pages * (size_t)page, (size_t)page, PROT_NONE) != 0)
		setup_fail("mprotect guard");
	return base + data_pages * (size_t)page - len;
}

static void release(struct region *r)
{
	munmap(r->map, r->map_len);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof v);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, sizeof v);
}

/* The nd_cmd_pkg header: family, command, size_in, size_out; reserved and fw_size zero. */
static void pkg(unsigned char *p, uint64_t family, uint64_t command, uint32_t in, uint32_t out)
{
	memset(p, 0, PKG_SIZE);
	put64(p, family);
	put64(p + 8, command);
	put32(p + 16, in);
	put32(p + 20, out);
}

static int open_node(const char *name, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof path, "/dev/%s", name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		setup_fail(path);
	return fd;
}

/*
 * After a case: `fd` still reaches the daemon (an unknown command gives the
 * kernel's ENOTTY, not the EIO of a broken connection), the DIMM still
 * answers ND_IOCTL_GET_CONFIG_SIZE, and a sysfs attribute still reads.
 */
static void alive(const char *name, int fd)
{
	unsigned char buf[CFG_SIZE_LEN];
	char path[128], text[64];
	ssize_t n;
	int sfd, rc;

	errno = 0;
	rc = ioctl(fd, ND_IOCTL(0, 0), buf);
	if (rc != -1 || errno != ENOTTY) {
		printf("alive %s FAIL the descriptor answers rc %d errno %d (%s) to an unknown command\n", name, rc, errno, strerror(errno));
		failures++;
		return;
	}
	memset(buf, 0, sizeof buf);
	rc = ioctl(dimm_fd, GET_CONFIG_SIZE, buf);
	if (rc != 0 || get32(buf) != 0 || get32(buf + 4) == 0) {
		printf("alive %s FAIL get_config_size rc %d errno %d (%s) size %u\n", name, rc, errno, strerror(errno), get32(buf + 4));
		failures++;
		return;
	}
	snprintf(path, sizeof path, "/sys/bus/nd/devices/%s/dev", dimm_name);
	sfd = open(path, O_RDONLY | O_CLOEXEC);
	n = sfd < 0 ? -1 : read(sfd, text, sizeof text - 1);
	if (sfd >= 0)
		close(sfd);
	if (n <= 0) {
		printf("alive %s FAIL sysfs read of %s (errno %d %s)\n", name, path, errno, strerror(errno));
		failures++;
		return;
	}
	printf("alive %s ok\n", name);
}

/* Report one ioctl's result and prove the node and the daemon still serve. */
static void report(const char *name, int fd, long rc, int err, const char *extra)
{
	printf("case %s %ld %d%s%s\n", name, rc, rc < 0 ? err : 0, extra[0] ? " " : "", extra);
	alive(name, fd);
}

#define RUN(name, fd, request, arg, extra_fmt, ...)                                  \
	do {                                                                          \
		char extra_[160];                                                     \
		long rc_;                                                             \
		int err_;                                                             \
		errno = 0;                                                            \
		rc_ = ioctl((fd), (request), (arg));                                  \
		err_ = errno;                                                         \
		snprintf(extra_, sizeof extra_, extra_fmt, ##__VA_ARGS__);            \
		report((name), (fd), rc_, err_, extra_);                              \
	} while (0)

/* ---- command numbers and their encoding --------------------------------- */

static void encodings(int dimm, int bus)
{
	unsigned char *b;
	struct region r;

	b = guarded(CFG_SIZE_LEN, &r);
	RUN("nr0-implemented", dimm, ND_IOCTL(0, 0), b, "%s", "");
	RUN("nr3-flags-not-in-mask", dimm, ND_IOCTL(ND_CMD_DIMM_FLAGS, 8), b, "%s", "");
	RUN("nr7-no-envelope", dimm, ND_IOCTL(ND_CMD_VENDOR_EFFECT_LOG_SIZE, 8), b, "%s", "");
	RUN("nr9-vendor-not-in-mask", dimm, ND_IOCTL(ND_CMD_VENDOR, 8), b, "%s", "");
	RUN("nr11-beyond-call", dimm, ND_IOCTL(11, 8), b, "%s", "");
	RUN("nr255", dimm, ND_IOCTL(255, 8), b, "%s", "");
	RUN("bus-nr0", bus, ND_IOCTL(0, 0), b, "%s", "");
	RUN("bus-nr11", bus, ND_IOCTL(11, 8), b, "%s", "");
	RUN("bus-nr5-dimm-only", bus, ND_IOCTL(ND_CMD_GET_CONFIG_DATA, CFG_HDR_LEN), b, "%s", "");

	/* Only _IOC_NR is looked at: these are all ND_CMD_GET_CONFIG_SIZE. */
	memset(b, 0xa5, CFG_SIZE_LEN);
	RUN("size0-encoding", dimm, IOC(IOC_RW, ND_TYPE, ND_CMD_GET_CONFIG_SIZE, 0), b, "size=%u", get32(b + 4));
	memset(b, 0xa5, CFG_SIZE_LEN);
	RUN("io-encoding", dimm, IOC(0, ND_TYPE, ND_CMD_GET_CONFIG_SIZE, 0), b, "size=%u", get32(b + 4));
	memset(b, 0xa5, CFG_SIZE_LEN);
	RUN("wrong-type", dimm, IOC(IOC_RW, 'X', ND_CMD_GET_CONFIG_SIZE, CFG_SIZE_LEN), b, "size=%u", get32(b + 4));
	memset(b, 0xa5, CFG_SIZE_LEN);
	RUN("wrong-size", dimm, IOC(IOC_RW, ND_TYPE, ND_CMD_GET_CONFIG_SIZE, 0x3fff), b, "size=%u", get32(b + 4));
	memset(b, 0xa5, CFG_SIZE_LEN);
	/* ioctl(2) takes an unsigned int: the high half of the long never arrives. */
	RUN("high-bits", dimm, (0xdeadUL << 32) | GET_CONFIG_SIZE, b, "size=%u", get32(b + 4));
	release(&r);
}

/* ---- short and unusable buffers ---------------------------------------- */

static void short_buffers(int dimm, int bus)
{
	unsigned char header[PKG_SIZE];
	unsigned char *b;
	struct region r;

	RUN("null-arg", dimm, GET_CONFIG_SIZE, NULL, "%s", "");

	b = guarded(8, &r);
	RUN("cfgsize-8-bytes", dimm, GET_CONFIG_SIZE, b, "%s", "");
	release(&r);

	b = guarded(0, &r);
	RUN("cfgsize-0-bytes", dimm, GET_CONFIG_SIZE, b, "%s", "");
	release(&r);

	/* Readable but not writable: the command runs, copy_to_user fails. */
	b = guarded(CFG_SIZE_LEN, &r);
	memset(b, 0, CFG_SIZE_LEN);
	if (mprotect(r.map, r.map_len - (size_t)page, PROT_READ) != 0)
		setup_fail("mprotect read-only");
	RUN("cfgsize-read-only", dimm, GET_CONFIG_SIZE, b, "untouched=%d", get32(b + 4) == 0);
	release(&r);

	b = guarded(32, &r);
	pkg(header, 0, INTEL_FW_GET_INFO, 0, 0);
	memcpy(b, header, 32);
	RUN("call-header-32-bytes", dimm, CALL, b, "%s", "");
	release(&r);

	/* ARS_CAP's input envelope is two u64s: only the first is there. */
	b = guarded(8, &r);
	memset(b, 0, 8);
	RUN("bus-ars-cap-8-bytes", bus, ND_IOCTL(ND_CMD_ARS_CAP, 16), b, "%s", "");
	release(&r);

	/* get_config_data of 4096: the output envelope (252 bytes after the header) reaches the guard. */
	b = guarded(CFG_HDR_LEN + 100, &r);
	put32(b, 0);
	put32(b + 4, 4096);
	RUN("getdata-envelope-short", dimm, GET_CONFIG_DATA, b, "%s", "");
	release(&r);

	/* Envelope fits, the whole 12 + 4096 bytes do not. */
	b = guarded(CFG_HDR_LEN + 300, &r);
	put32(b, 0);
	put32(b + 4, 4096);
	RUN("getdata-buffer-short", dimm, GET_CONFIG_DATA, b, "%s", "");
	release(&r);
}

/* ---- nd_cmd_pkg: families, functions, sizes ----------------------------- */

static void call_pkgs(int dimm, int bus0, int bus1)
{
	unsigned char *b;
	struct region r;

	b = guarded(PKG_SIZE + 256, &r);
	pkg(b, 6, INTEL_FW_GET_INFO, 0, 0);
	RUN("call-family-over-max", dimm, CALL, b, "%s", "");
	pkg(b, 1, INTEL_FW_GET_INFO, 0, 0);
	RUN("call-family-not-on-bus", dimm, CALL, b, "%s", "");
	pkg(b, 1ull << 63, INTEL_FW_GET_INFO, 0, 0);
	RUN("call-family-huge", dimm, CALL, b, "%s", "");
	pkg(b, 0, INTEL_GET_MODES, 0, 0);
	RUN("call-fn-unserved", dimm, CALL, b, "%s", "");
	pkg(b, 0, 0, 0, 0);
	RUN("call-fn0", dimm, CALL, b, "%s", "");
	pkg(b, 0, 32, 0, 0);
	RUN("call-fn32", dimm, CALL, b, "%s", "");
	pkg(b, 0, 1000000, 4, 4);
	RUN("call-fn-million", dimm, CALL, b, "%s", "");
	/* nd_command is a u64 the kernel keeps in an unsigned int: 2^32 + 1 is SMART. */
	pkg(b, 0, (1ull << 32) | INTEL_SMART, 0, INTEL_SMART_LEN);
	memset(b + PKG_SIZE, 0xee, INTEL_SMART_LEN);
	RUN("call-fn-truncated-smart", dimm, CALL, b, "status=%u", get32(b + PKG_SIZE));
	/* Zero-length payloads: the function gets no room for its structure. */
	pkg(b, 0, INTEL_FW_GET_INFO, 0, 0);
	RUN("call-fw-info-empty", dimm, CALL, b, "%s", "");
	pkg(b, 0, INTEL_SMART, 0, 0);
	RUN("call-smart-empty", dimm, CALL, b, "%s", "");
	pkg(b, 0, INTEL_SMART, 0, INTEL_SMART_LEN - 1);
	RUN("call-smart-one-short", dimm, CALL, b, "%s", "");

	pkg(b, 2, 1, 0, 0);
	RUN("bus-call-family-over-max", bus0, CALL, b, "%s", "");
	pkg(b, 1, ND_CMD_CALL, 0, 0);
	RUN("bus-call-intel-fn10", bus0, CALL, b, "%s", "");
	pkg(b, 1, 3, 0, 0);
	RUN("bus-call-intel-fn3", bus0, CALL, b, "%s", "");
	pkg(b, 0, 3, 0, 0);
	RUN("bus-call-nfit-fn3", bus0, CALL, b, "%s", "");
	pkg(b, 1, 1, 0, 0);
	RUN("bus1-call-family-not-on-bus", bus1, CALL, b, "%s", "");
	pkg(b, 0, 1, 0, 0);
	RUN("bus1-call-not-in-mask", bus1, CALL, b, "%s", "");

	/* A size of UINT_MAX is the descriptors' "unknown" (nd_cmd_in_size / nd_cmd_out_size). */
	pkg(b, 0, INTEL_FW_GET_INFO, 0xffffffffu, 0);
	RUN("call-size-in-uint-max", dimm, CALL, b, "%s", "");
	pkg(b, 0, INTEL_FW_GET_INFO, 0, 0xffffffffu);
	RUN("call-size-out-uint-max", dimm, CALL, b, "%s", "");
	/* ARS status: out_length 7 makes the record size 7 - 8 = UINT_MAX; 5 makes it just huge. */
	memset(b, 0, PKG_SIZE + 256);
	put32(b + 4, 7);
	RUN("bus-ars-status-length-7", bus0, ND_IOCTL(ND_CMD_ARS_STATUS, 8), b, "%s", "");
	put32(b + 4, 5);
	RUN("bus-ars-status-length-5", bus0, ND_IOCTL(ND_CMD_ARS_STATUS, 8), b, "%s", "");
	release(&r);

	/* nd_size_in larger than the buffer: the input envelope faults. */
	b = guarded(PKG_SIZE + 16, &r);
	pkg(b, 0, INTEL_FW_GET_INFO, MIB, 0);
	RUN("call-size-in-past-buffer", dimm, CALL, b, "%s", "");
	release(&r);

	/* nd_size_out larger than the buffer: the output envelope faults. */
	b = guarded(PKG_SIZE + 64, &r);
	pkg(b, 0, INTEL_FW_GET_INFO, 0, 4096);
	RUN("call-size-out-envelope-past-buffer", dimm, CALL, b, "%s", "");
	release(&r);

	/* Envelopes fit, the whole buffer does not. */
	b = guarded(PKG_SIZE + 1024, &r);
	pkg(b, 0, INTEL_FW_GET_INFO, 0, 4096);
	RUN("call-size-out-past-buffer", dimm, CALL, b, "%s", "");
	release(&r);

	/* Over ND_IOCTL_MAX_BUFLEN with envelopes that are readable. */
	b = guarded(4096, &r);
	pkg(b, 0, INTEL_FW_GET_INFO, 5 * MIB, 0);
	RUN("call-size-in-over-max", dimm, CALL, b, "%s", "");
	pkg(b, 0, INTEL_FW_GET_INFO, 0, 5 * MIB);
	RUN("call-size-out-over-max", dimm, CALL, b, "%s", "");
	release(&r);

	/* The output envelope lies 9 MiB in, inside a PROT_NONE reservation behind one usable page. */
	r.map_len = 10 * MIB;
	r.map = mmap(NULL, r.map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r.map == MAP_FAILED || mprotect(r.map, (size_t)page, PROT_READ | PROT_WRITE) != 0)
		setup_fail("reserve 10 MiB");
	b = r.map;
	pkg(b, 0, INTEL_FW_GET_INFO, 9 * MIB, 4);
	RUN("call-envelope-9mib-unmapped", dimm, CALL, b, "%s", "");
	release(&r);

	/* ... and where it is mapped: only the size is wrong. */
	b = guarded(PKG_SIZE + 9 * MIB + 4, &r);
	pkg(b, 0, INTEL_FW_GET_INFO, 9 * MIB, 4);
	RUN("call-envelope-9mib-mapped", dimm, CALL, b, "%s", "");
	release(&r);

	/* Exactly ND_IOCTL_MAX_BUFLEN, and one byte more. */
	b = guarded(MAX_BUFLEN, &r);
	pkg(b, 0, INTEL_SMART, 0, MAX_BUFLEN - PKG_SIZE);
	memset(b + PKG_SIZE, 0xee, INTEL_SMART_LEN);
	RUN("call-at-max", dimm, CALL, b, "status=%u", get32(b + PKG_SIZE));
	release(&r);
	b = guarded(MAX_BUFLEN + 1, &r);
	pkg(b, 0, INTEL_SMART, 0, MAX_BUFLEN - PKG_SIZE + 1);
	RUN("call-over-max-by-one", dimm, CALL, b, "%s", "");
	release(&r);
}

/* ---- label transfers: zero, just under and over the limit --------------- */

static void label_transfers(int dimm, int idle)
{
	unsigned char *b, *saved;
	struct region r, rs;
	uint32_t label_size = 0;
	int same;

	b = guarded(CFG_HDR_LEN + 16, &r);
	put32(b, 0);
	put32(b + 4, 0);
	RUN("getdata-zero-length", dimm, GET_CONFIG_DATA, b, "%s", "");
	put32(b, 1u << 30);
	put32(b + 4, 4);
	RUN("getdata-offset-past-area", dimm, GET_CONFIG_DATA, b, "%s", "");
	put32(b, 0);
	put32(b + 4, 0xffffffffu);
	RUN("getdata-length-uint-max", dimm, GET_CONFIG_DATA, b, "%s", "");
	RUN("setdata-length-uint-max", dimm, SET_CONFIG_DATA, b, "%s", "");
	/* nmem0's labels belong to the enabled regions: set_config_data is refused. */
	put32(b, 0);
	put32(b + 4, 4);
	memset(b + SET_HDR_LEN, 0x5a, 8);
	RUN("setdata-busy", dimm, SET_CONFIG_DATA, b, "%s", "");
	release(&r);

	b = guarded(MAX_BUFLEN, &r);
	put32(b, 0);
	put32(b + 4, MAX_BUFLEN - CFG_HDR_LEN);
	RUN("getdata-at-max", dimm, GET_CONFIG_DATA, b, "status=%u head=%.6s", get32(b + 8), (const char *)b + CFG_HDR_LEN);
	release(&r);
	b = guarded(MAX_BUFLEN + 1, &r);
	put32(b, 0);
	put32(b + 4, MAX_BUFLEN - CFG_HDR_LEN + 1);
	RUN("getdata-over-max-by-one", dimm, GET_CONFIG_DATA, b, "%s", "");
	release(&r);

	/* Over the limit on a busy DIMM: the size check comes first (EINVAL, not EBUSY). */
	b = guarded(SET_HDR_LEN + MAX_BUFLEN + 4, &r);
	put32(b, 0);
	put32(b + 4, MAX_BUFLEN);
	RUN("setdata-over-max", dimm, SET_CONFIG_DATA, b, "%s", "");
	release(&r);

	/* The idle DIMM: save its whole label area, write it back at the limit, compare. */
	b = guarded(CFG_SIZE_LEN, &r);
	if (ioctl(idle, GET_CONFIG_SIZE, b) != 0)
		setup_fail("idle get_config_size");
	label_size = get32(b + 4);
	release(&r);
	saved = guarded(CFG_HDR_LEN + label_size, &rs);
	put32(saved, 0);
	put32(saved + 4, label_size);
	if (ioctl(idle, GET_CONFIG_DATA, saved) != 0)
		setup_fail("idle get_config_data");

	b = guarded(MAX_BUFLEN, &r);
	put32(b, 0);
	put32(b + 4, MAX_BUFLEN - SET_HDR_LEN - 4);
	memcpy(b + SET_HDR_LEN, saved + CFG_HDR_LEN, label_size);
	memset(b + SET_HDR_LEN + label_size, 0x77, MAX_BUFLEN - SET_HDR_LEN - label_size);
	RUN("setdata-at-max", idle, SET_CONFIG_DATA, b, "status=%u", get32(b + MAX_BUFLEN - 4));
	put32(b, 0);
	put32(b + 4, 0);
	RUN("setdata-zero-length", idle, SET_CONFIG_DATA, b, "status=%u", get32(b + SET_HDR_LEN));
	/* nfit_test_ctl: "ND_CMD_CALL only valid for nfit_test0". */
	pkg(b, 0, INTEL_FW_GET_INFO, 0, 64);
	RUN("call-on-nfit-test1-dimm", idle, CALL, b, "%s", "");
	release(&r);

	b = guarded(CFG_HDR_LEN + label_size, &r);
	put32(b, 0);
	put32(b + 4, label_size);
	same = ioctl(idle, GET_CONFIG_DATA, b) == 0 && memcmp(b + CFG_HDR_LEN, saved + CFG_HDR_LEN, label_size) == 0;
	printf("info idle-labels-unchanged %d\n", same);
	release(&r);
	release(&rs);
}

/* ---- a read-only descriptor --------------------------------------------- */

static void read_only(const char *name)
{
	unsigned char *b;
	struct region r;
	int fd = open_node(name, O_RDONLY);

	b = guarded(PKG_SIZE + 256, &r);
	/* The read-only refusal is by number, and 4 is also ND_CMD_CLEAR_ERROR. */
	memset(b, 0, CFG_SIZE_LEN);
	RUN("ro-get-config-size", fd, GET_CONFIG_SIZE, b, "size=%u", get32(b + 4));
	put32(b, 0);
	put32(b + 4, 6);
	RUN("ro-get-config-data", fd, GET_CONFIG_DATA, b, "head=%.6s", (const char *)b + CFG_HDR_LEN);
	put32(b, 0);
	put32(b + 4, 4);
	RUN("ro-setdata", fd, SET_CONFIG_DATA, b, "%s", "");
	pkg(b, 0, INTEL_FW_GET_INFO, 0, 0);
	RUN("ro-call", fd, CALL, b, "%s", "");
	/* The family is checked before the access mode. */
	pkg(b, 6, INTEL_FW_GET_INFO, 0, 0);
	RUN("ro-call-bad-family", fd, CALL, b, "%s", "");
	release(&r);
	close(fd);
}

int main(int argc, char **argv)
{
	int dimm, bus0, bus1, idle;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 5) {
		fprintf(stderr, "usage: malformed DIMM BUS0 BUS1 IDLE_DIMM\n");
		return 2;
	}
	page = sysconf(_SC_PAGESIZE);
	dimm_name = argv[1];
	dimm = open_node(argv[1], O_RDWR);
	dimm_fd = dimm;
	bus0 = open_node(argv[2], O_RDWR);
	bus1 = open_node(argv[3], O_RDWR);
	idle = open_node(argv[4], O_RDWR);

	encodings(dimm, bus0);
	short_buffers(dimm, bus0);
	call_pkgs(dimm, bus0, bus1);
	label_transfers(dimm, idle);
	read_only(argv[1]);

	close(idle);
	close(bus1);
	close(bus0);
	close(dimm);
	printf("done %d\n", failures);
	return failures ? 1 : 0;
}

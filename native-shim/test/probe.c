/*
 * Exercise libndsim the way ndctl uses it, plus the edges. Run under
 * LD_PRELOAD with NDSIM_ROOT/NDSIM_SOCKET set; the request numbers below
 * that are not real nd ioctls are understood by the mock daemon in
 * test/integration/shim.test.ts only.
 *
 *   probe SUITE...   suites: dev sys nosys hidden nullpath noconnect inert fallback
 *   (fallback installs a seccomp filter for the rest of the process: last)
 *
 * Prints "ok NAME" or "FAIL NAME: why" per check, "info KEY VALUE" for the
 * test to cross-check, and exits 1 if anything failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* Real nd ioctl numbers (include/uapi/linux/ndctl.h). */
#define ND_IOCTL_DIMM_FLAGS 0xc0084e03u
#define ND_IOCTL_GET_CONFIG_DATA 0xc00c4e05u
#define ND_IOCTL_VENDOR 0xc0084e09u
#define ND_IOCTL_CALL 0xc0404e0au
/* Mock-only requests that make the mock misbehave in one way each. */
#define MOCK_BAD_MAGIC 0xc0044ef0u
#define MOCK_NEED_HUGE 0xc0044ef1u
#define MOCK_NEED_SHRINK 0xc0044ef2u
#define MOCK_EOF 0xc0044ef3u
#define MOCK_BIG 0xc0044ef4u
#define MOCK_BAD_KIND 0xc0044ef5u
#define BIG_SIZE (3u * 1024u * 1024u + 5u)

/* Legacy stat ABI, still exported by glibc; declared here to call it directly. */
int __fxstat(int ver, int fd, struct stat *st);
int __xstat(int ver, const char *path, struct stat *st);

static int failures, passes;
static const char *root;

static void ok(const char *name)
{
	printf("ok %s\n", name);
	passes++;
}

static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
}

/* ok/fail from a condition; `why` is printed on failure together with errno. */
static void check(const char *name, int cond, const char *why)
{
	if (cond)
		ok(name);
	else
		fail(name, "%s (errno %d %s)", why, errno, strerror(errno));
}

/* rc == -1 with the given errno. */
static void check_errno(const char *name, long rc, int want)
{
	int e = errno;

	if (rc == -1 && e == want)
		ok(name);
	else
		fail(name, "rc %ld errno %d (%s), want -1/%d (%s)", rc, e, strerror(e), want, strerror(want));
}

static dev_t node_rdev(const char *name)
{
	char p[PATH_MAX];
	struct stat st;

	/* Under $NDSIM_ROOT but not under /dev or /sys: not redirected, the FUSE node itself. */
	snprintf(p, sizeof p, "%s/dev/%s", root, name);
	if (lstat(p, &st) != 0)
		return 0;
	return st.st_rdev;
}

static int is_node(const struct stat *st, dev_t want)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == major(want) && minor(st->st_rdev) == minor(want);
}

/* Whole small file into buf (NUL-terminated); length or -1. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* ---- ioctl helpers matching the mock's transformations ------------------- */

struct dimm_flags {
	uint32_t status;
	uint32_t flags;
};

/* The mock answers DIMM_FLAGS with flags = ~input flags. */
static int flags_roundtrip(int fd, uint32_t v)
{
	struct dimm_flags f = { 0xdeadbeef, v };

	if (ioctl(fd, ND_IOCTL_DIMM_FLAGS, &f) != 0)
		return 0;
	return f.status == 0 && f.flags == ~v;
}

struct nd_cmd_pkg {
	uint64_t nd_family;
	uint64_t nd_command;
	uint32_t nd_size_in;
	uint32_t nd_size_out;
	uint32_t nd_reserved2[9];
	uint32_t nd_fw_size;
	unsigned char nd_payload[];
};

static void t_ioctl_call(int fd, const char *name)
{
	enum { IN = 5, OUT = 20 };
	unsigned char buf[sizeof(struct nd_cmd_pkg) + IN + OUT];
	struct nd_cmd_pkg *pkg = (struct nd_cmd_pkg *)buf;
	int i, good = 1, rc;

	_Static_assert(sizeof(struct nd_cmd_pkg) == 64, "nd_cmd_pkg header is 64 bytes");
	memset(buf, 0xee, sizeof buf);
	pkg->nd_family = 0;
	pkg->nd_command = 1;
	pkg->nd_size_in = IN;
	pkg->nd_size_out = OUT;
	memset(pkg->nd_reserved2, 0, sizeof pkg->nd_reserved2);
	pkg->nd_fw_size = 0;
	for (i = 0; i < IN; i++)
		pkg->nd_payload[i] = (unsigned char)(i + 1);
	rc = ioctl(fd, ND_IOCTL_CALL, buf);
	/* Mock: output byte i = ~input[i % size_in]; header and input come back unchanged. */
	for (i = 0; i < OUT; i++)
		good &= pkg->nd_payload[IN + i] == (unsigned char)~(unsigned char)((i % IN) + 1);
	good &= pkg->nd_command == 1 && pkg->nd_size_in == IN && pkg->nd_size_out == OUT;
	if (rc == 0 && good)
		ok(name);
	else
		fail(name, "rc %d errno %d, payload %s", rc, errno, good ? "ok" : "wrong");
}

static void t_config_data(int fd)
{
	enum { LEN = 40 };
	struct { /* struct nd_cmd_get_config_data_hdr + room for the data */
		uint32_t in_offset, in_length, status;
		unsigned char data[LEN];
	} c;
	int i, good = 1, rc;

	memset(&c, 0, sizeof c);
	c.status = 0xdead;
	c.in_offset = 100;
	c.in_length = LEN;
	rc = ioctl(fd, ND_IOCTL_GET_CONFIG_DATA, &c);
	for (i = 0; i < LEN; i++)
		good &= c.data[i] == (unsigned char)(100 + i);
	/* A positive return ("bytes not transferred" for labels) is passed through as is. */
	if (rc == 3 && good && c.status == 0)
		ok("ioctl-positive-return");
	else
		fail("ioctl-positive-return", "rc %d errno %d data %s", rc, errno, good ? "ok" : "wrong");
}

static void t_big(int fd, const char *name)
{
	unsigned char *buf = malloc(BIG_SIZE);
	size_t i;
	int good = 1, rc;

	if (buf == NULL) {
		fail(name, "malloc");
		return;
	}
	for (i = 0; i < BIG_SIZE; i++)
		buf[i] = (unsigned char)(i * 7);
	rc = ioctl(fd, MOCK_BIG, buf);
	/* Mock: every byte + 1, sent and returned in one piece of BIG_SIZE bytes. */
	for (i = 0; i < BIG_SIZE; i++)
		good &= buf[i] == (unsigned char)(i * 7 + 1);
	if (rc == 0 && good)
		ok(name);
	else
		fail(name, "rc %d errno %d data %s", rc, errno, good ? "ok" : "wrong");
	free(buf);
}

/* An unreadable argument: EFAULT, nothing half-sent, the fd keeps working. */
static void t_efault(int fd)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *ro, *gap, *big;
	struct dimm_flags *f;
	int rc;

	gap = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gap, (size_t)page);
	errno = 0;
	rc = ioctl(fd, ND_IOCTL_DIMM_FLAGS, gap);
	check_errno("efault-unmapped", rc, EFAULT);
	check("efault-then-works", flags_roundtrip(fd, 0x12345678), "ioctl after EFAULT");

	errno = 0;
	rc = ioctl(fd, ND_IOCTL_DIMM_FLAGS, NULL);
	check_errno("efault-null", rc, EFAULT);

	/* Readable but not writable: the reply cannot be copied back (copy_to_user). */
	ro = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	f = (struct dimm_flags *)ro;
	f->status = 7;
	f->flags = 0x1111;
	mprotect(ro, (size_t)page, PROT_READ);
	errno = 0;
	rc = ioctl(fd, ND_IOCTL_DIMM_FLAGS, ro);
	check_errno("efault-readonly", rc, EFAULT);
	check("efault-readonly-untouched", f->status == 7 && f->flags == 0x1111, "read-only page changed");
	check("efault-readonly-then-works", flags_roundtrip(fd, 42), "ioctl after EFAULT on write");
	munmap(ro, (size_t)page);

	/* Larger than one bounce chunk and the tail unmapped: refused before anything is sent. */
	big = mmap(NULL, BIG_SIZE + (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(big + ((BIG_SIZE / (size_t)page) * (size_t)page), (size_t)page * 2);
	errno = 0;
	rc = ioctl(fd, MOCK_BIG, big);
	check_errno("efault-big-tail", rc, EFAULT);
	check("efault-big-then-works", flags_roundtrip(fd, 43), "ioctl after big EFAULT");
	munmap(big, (BIG_SIZE / (size_t)page) * (size_t)page);
}

/* Each misbehaviour on its own connection: EIO, and EIO again after (the socket is shut). */
static void t_protocol(unsigned long req, const char *name)
{
	char n2[64];
	int fd = open("/dev/nmem1", O_RDWR), rc;
	struct dimm_flags f = { 0, 0 };

	if (fd < 0) {
		fail(name, "open nmem1: %s", strerror(errno));
		return;
	}
	errno = 0;
	rc = ioctl(fd, req, &f);
	check_errno(name, rc, EIO);
	snprintf(n2, sizeof n2, "%s-stays-broken", name);
	errno = 0;
	rc = ioctl(fd, ND_IOCTL_DIMM_FLAGS, &f);
	check_errno(n2, rc, EIO);
	close(fd);
}

struct thread_arg {
	int fd;
	uint32_t base;
	int good;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	uint32_t i;

	a->good = 1;
	for (i = 0; i < 300; i++)
		a->good &= flags_roundtrip(a->fd, a->base + i);
	return NULL;
}

static void suite_dev(void)
{
	dev_t nmem0 = node_rdev("nmem0"), ndctl0 = node_rdev("ndctl0");
	struct stat st;
	struct stat64 st64;
	struct statx sx;
	char buf[PATH_MAX], *rp;
	int fd, fd2, d, d2, other, rc, status, pfd[2], avail;
	pid_t pid;
	pthread_t th[2];
	struct thread_arg ta[2];

	printf("info nmem0 %u:%u\n", major(nmem0), minor(nmem0));
	printf("info ndctl0 %u:%u\n", major(ndctl0), minor(ndctl0));
	check("fake-nodes-present", nmem0 != 0 && ndctl0 != 0, "no char nodes under $NDSIM_ROOT/dev");

	/* Path calls on a node see the fake /dev entry. */
	check("stat-node", stat("/dev/nmem0", &st) == 0 && is_node(&st, nmem0), "stat /dev/nmem0");
	check("lstat-node", lstat("/dev/nmem0", &st) == 0 && is_node(&st, nmem0), "lstat /dev/nmem0");
	check("xstat-node", __xstat(1, "/dev/nmem0", &st) == 0 && is_node(&st, nmem0), "__xstat /dev/nmem0");
	check("stat-node-dotdot", stat("/dev/../dev/./nmem0", &st) == 0 && is_node(&st, nmem0), "stat /dev/../dev/./nmem0");
	check("access-node", access("/dev/nmem0", R_OK | W_OK) == 0, "access /dev/nmem0");
	rp = realpath("/dev/nmem0", buf);
	check("realpath-node", rp != NULL && strcmp(buf, "/dev/nmem0") == 0, "realpath /dev/nmem0");
	errno = 0;
	check_errno("readlink-node", readlink("/dev/nmem0", buf, sizeof buf), EINVAL);
	errno = 0;
	check_errno("stat-missing-node", stat("/dev/nmem99", &st), ENOENT);

	/* ndctl_cmd_submit: open O_RDWR, fstat64, S_ISCHR + major/minor, ioctl, close. */
	fd = open("/dev/nmem0", O_RDWR);
	check("open-node", fd >= 0, "open /dev/nmem0");
	if (fd < 0)
		return;
	check("fstat64-node", fstat64(fd, &st64) == 0 && S_ISCHR(st64.st_mode) && major(st64.st_rdev) == major(nmem0) &&
				      minor(st64.st_rdev) == minor(nmem0),
	      "fstat64");
	check("fstat-node", fstat(fd, &st) == 0 && is_node(&st, nmem0), "fstat");
	check("fstatat-empty-node", fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && is_node(&st, nmem0), "fstatat AT_EMPTY_PATH");
	check("fxstat-node", __fxstat(1, fd, &st) == 0 && is_node(&st, nmem0), "__fxstat");
	check("statx-empty-node",
	      statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0 && S_ISCHR(sx.stx_mode) &&
		      sx.stx_rdev_major == major(nmem0) && sx.stx_rdev_minor == minor(nmem0),
	      "statx AT_EMPTY_PATH");
	errno = 0;
	check_errno("fstat-efault", fstat(fd, (struct stat *)8), EFAULT);
	check("no-cloexec", fcntl(fd, F_GETFD) == 0, "FD_CLOEXEC set without O_CLOEXEC");

	check("ioctl-dimm-flags", flags_roundtrip(fd, 0x12345678), "DIMM_FLAGS round trip");
	t_ioctl_call(fd, "ioctl-call");
	t_config_data(fd);
	errno = 0;
	check_errno("ioctl-daemon-errno", ioctl(fd, ND_IOCTL_VENDOR, buf), EOPNOTSUPP);
	t_big(fd, "ioctl-big");
	t_efault(fd);

	/* Bus node. */
	fd2 = open("/dev/ndctl0", O_RDWR | O_CLOEXEC);
	check("open-bus-cloexec", fd2 >= 0 && fcntl(fd2, F_GETFD) == FD_CLOEXEC, "open /dev/ndctl0 O_CLOEXEC");
	check("fstat64-bus", fd2 >= 0 && fstat64(fd2, &st64) == 0 && S_ISCHR(st64.st_mode) && major(st64.st_rdev) == major(ndctl0) &&
				     minor(st64.st_rdev) == minor(ndctl0),
	      "fstat64 ndctl0");
	if (fd2 >= 0)
		t_ioctl_call(fd2, "ioctl-call-bus");
	close(fd2);

	/* Errors at open. */
	errno = 0;
	check_errno("open-missing-node", open("/dev/nmem99", O_RDWR), ENOENT);
	errno = 0;
	check_errno("open-node-slash", open("/dev/nmem0/", O_RDWR), ENOTDIR);
	errno = 0;
	check_errno("open-daemon-refuses", open("/dev/ndctl1", O_RDWR), EACCES);

	/* O_PATH never reaches a driver: the fake node itself, fstat real, ioctl EBADF. */
	other = open("/dev/nmem0", O_PATH);
	check("open-opath", other >= 0 && fstat(other, &st) == 0 && is_node(&st, nmem0), "O_PATH open");
	errno = 0;
	check_errno("opath-ioctl-ebadf", ioctl(other, ND_IOCTL_DIMM_FLAGS, buf), EBADF);
	close(other);

	/* dup family: the copy is the node too and outlives the original. */
	d = dup(fd);
	check("dup-fstat", d >= 0 && fstat(d, &st) == 0 && is_node(&st, nmem0), "dup");
	d2 = fcntl(d, F_DUPFD_CLOEXEC, 100);
	check("fcntl-dupfd", d2 >= 100 && fstat(d2, &st) == 0 && is_node(&st, nmem0) && fcntl(d2, F_GETFD) == FD_CLOEXEC,
	      "F_DUPFD_CLOEXEC");
	other = open("/etc/hostname", O_RDONLY);
	check("dup2-onto-regular", other >= 0 && dup2(d, other) == other && fstat(other, &st) == 0 && is_node(&st, nmem0) &&
					   flags_roundtrip(other, 7),
	      "dup2 node onto a file fd");
	rc = open("/etc/hostname", O_RDONLY);
	check("dup3-regular-onto-node", rc >= 0 && dup3(rc, other, O_CLOEXEC) == other && fstat(other, &st) == 0 &&
						S_ISREG(st.st_mode),
	      "dup3 file onto a node fd");
	close(rc);
	close(other);
	close(fd);
	check("dup-outlives-original", flags_roundtrip(d, 99) && flags_roundtrip(d2, 98), "ioctl on dups after close");
	close(d2);

	/* The table covers fds 0..4095: an emulated dup beyond it is refused (EMFILE) and not left open. */
	{
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max > 4200) {
			rl.rlim_cur = rl.rlim_max < 8192 ? rl.rlim_max : 8192;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 4200) {
			errno = 0;
			rc = dup2(d, 4100);
			check_errno("dup-beyond-table", rc, EMFILE);
			errno = 0;
			check_errno("dup-beyond-table-closed", fcntl(4100, F_GETFD), EBADF);
		} else {
			printf("skip dup-beyond-table: RLIMIT_NOFILE too low\n");
		}
	}

	/* A closed number reused by a normal open is normal again. */
	fd = d;
	close(fd);
	other = open("/etc/hostname", O_RDONLY);
	check("reuse-after-close", other >= 0 && fstat(other, &st) == 0 && S_ISREG(st.st_mode), "fstat of a reused number");
	close(other);

	/* Closed behind the shim's back (raw syscall): the number's next owner is not mistaken for the socket. */
	fd = open("/dev/nmem0", O_RDWR);
	syscall(SYS_close, fd);
	rc = pipe(pfd);
	avail = -1;
	check("stale-entry-ignored", rc == 0 && fstat(pfd[0], &st) == 0 && S_ISFIFO(st.st_mode) && ioctl(pfd[0], FIONREAD, &avail) == 0 &&
					     avail == 0,
	      "pipe on a number closed behind the shim");
	printf("info stale-fd %d pipe %d\n", fd, rc == 0 ? pfd[0] : -1);
	if (rc == 0) {
		close(pfd[0]);
		close(pfd[1]);
	}

	/* fork: the child shares the socket; the parent waits, then goes on using it. */
	fd = open("/dev/nmem0", O_RDWR);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int c = open("/dev/nmem2", O_RDWR);
		int good = flags_roundtrip(fd, 0xc0ffee) && c >= 0 && flags_roundtrip(c, 5);

		_exit(good ? 0 : 1);
	}
	check("fork-child-ioctl", pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child ioctl on inherited and new fd");
	check("fork-parent-after", flags_roundtrip(fd, 0xbeef), "parent ioctl after fork");

	/* Two threads on one fd: the lock keeps each exchange whole. */
	ta[0] = (struct thread_arg){ fd, 0x10000, 0 };
	ta[1] = (struct thread_arg){ fd, 0x20000, 0 };
	rc = pthread_create(&th[0], NULL, thread_main, &ta[0]) == 0 && pthread_create(&th[1], NULL, thread_main, &ta[1]) == 0;
	if (rc) {
		pthread_join(th[0], NULL);
		pthread_join(th[1], NULL);
	}
	check("threads-ioctl", rc && ta[0].good && ta[1].good, "two threads x 300 ioctls");

	/* Ordinary descriptors are untouched. */
	rc = pipe(pfd);
	avail = -1;
	check("passthrough-ioctl", rc == 0 && write(pfd[1], "abc", 3) == 3 && ioctl(pfd[0], FIONREAD, &avail) == 0 && avail == 3,
	      "FIONREAD on a pipe");
	check("passthrough-fcntl", rc == 0 && fcntl(pfd[0], F_SETFD, FD_CLOEXEC) == 0 && fcntl(pfd[0], F_GETFD) == FD_CLOEXEC,
	      "F_SETFD/F_GETFD on a pipe");
	if (rc == 0) {
		close(pfd[0]);
		close(pfd[1]);
	}
	close(fd);

	/* Misbehaving daemon: EIO, never a hang. */
	t_protocol(MOCK_BAD_MAGIC, "proto-bad-magic");
	t_protocol(MOCK_NEED_HUGE, "proto-need-huge");
	t_protocol(MOCK_NEED_SHRINK, "proto-need-shrink");
	t_protocol(MOCK_EOF, "proto-eof");
	t_protocol(MOCK_BAD_KIND, "proto-bad-kind");
}

/* /lib/modules: gone whatever the mode (libkmod must never find a module). */
static void suite_hidden(void)
{
	static const char *const paths[] = {
		"/lib/modules", "/usr/lib/modules", "/lib/modules/probe-kver", "/usr/lib/x86_64-linux-gnu/../modules/probe-kver",
		"//usr//lib/./modules/",
	};
	char name[128], buf[PATH_MAX];
	struct stat st;
	size_t i;
	DIR *dir;

	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		snprintf(name, sizeof name, "hidden-stat %s", paths[i]);
		errno = 0;
		check_errno(name, stat(paths[i], &st), ENOENT);
		snprintf(name, sizeof name, "hidden-open %s", paths[i]);
		errno = 0;
		check_errno(name, open(paths[i], O_RDONLY | O_DIRECTORY), ENOENT);
		snprintf(name, sizeof name, "hidden-access %s", paths[i]);
		errno = 0;
		check_errno(name, access(paths[i], F_OK), ENOENT);
		snprintf(name, sizeof name, "hidden-opendir %s", paths[i]);
		errno = 0;
		dir = opendir(paths[i]);
		check_errno(name, dir == NULL ? -1 : 0, ENOENT);
		if (dir != NULL)
			closedir(dir);
		snprintf(name, sizeof name, "hidden-realpath %s", paths[i]);
		errno = 0;
		check_errno(name, realpath(paths[i], buf) == NULL ? -1 : 0, ENOENT);
	}
	errno = 0;
	check_errno("hidden-fopen", fopen("/lib/modules/probe-kver/modules.dep", "re") == NULL ? -1 : 0, ENOENT);
	check("lib-not-hidden", stat("/usr/lib", &st) == 0 && S_ISDIR(st.st_mode), "/usr/lib itself must stay");
}

static int has_entry(const char *dirpath, const char *want)
{
	DIR *d = opendir(dirpath);
	struct dirent *e;
	int found = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		found |= strcmp(e->d_name, want) == 0;
	closedir(d);
	return found;
}

static int ends_with_newline_dev(const char *s, dev_t want)
{
	unsigned maj, min;

	return sscanf(s, "%u:%u", &maj, &min) == 2 && maj == major(want) && min == minor(want) && s[strlen(s) - 1] == '\n';
}

static void suite_sys(void)
{
	static const char *const link = "../../devices/platform/nfit_test.0/ndbus0/nd/ndctl0";
	static const char *const target = "/sys/devices/platform/nfit_test.0/ndbus0/nd/ndctl0";
	dev_t ndctl0 = node_rdev("ndctl0");
	char buf[PATH_MAX], other[4096], want[4096], path[PATH_MAX], *rp;
	struct stat st, fake;
	struct statx sx;
	struct dirent **list;
	struct dirent64 **list64;
	ssize_t n;
	int fd, dfd, i, cnt, found;
	FILE *f;

	snprintf(path, sizeof path, "%s/sys", root);
	check("sys-is-fake", stat("/sys", &st) == 0 && lstat(path, &fake) == 0 && st.st_dev == fake.st_dev && st.st_ino == fake.st_ino,
	      "/sys is not $NDSIM_ROOT/sys");
	check("lstat-link", lstat("/sys/class/nd/ndctl0", &st) == 0 && S_ISLNK(st.st_mode), "lstat class link");
	check("stat-follows", stat("/sys/class/nd/ndctl0", &st) == 0 && S_ISDIR(st.st_mode), "stat class link");
	check("xstat-sys", __xstat(1, "/sys/class/nd/ndctl0/dev", &st) == 0 && S_ISREG(st.st_mode), "__xstat");
	check("statx-sys", statx(AT_FDCWD, "/sys/class/nd/ndctl0/dev", 0, STATX_BASIC_STATS, &sx) == 0 && S_ISREG(sx.stx_mode),
	      "statx path");
	check("fstatat-sys", fstatat(AT_FDCWD, "/sys/class/nd/ndctl0", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode),
	      "fstatat nofollow");

	n = readlink("/sys/class/nd/ndctl0", buf, sizeof buf - 1);
	if (n >= 0)
		buf[n] = '\0';
	check("readlink-sys", n >= 0 && strcmp(buf, link) == 0, "readlink class link");
	n = readlinkat(AT_FDCWD, "/sys/class/nd/ndctl0", buf, sizeof buf - 1);
	if (n >= 0)
		buf[n] = '\0';
	check("readlinkat-sys", n >= 0 && strcmp(buf, link) == 0, "readlinkat class link");

	rp = realpath("/sys/class/nd/ndctl0", NULL);
	check("realpath-malloc", rp != NULL && strcmp(rp, target) == 0, "realpath(p, NULL)");
	printf("info realpath %s\n", rp != NULL ? rp : "(null)");
	free(rp);
	rp = realpath("/sys/class/nd/ndctl0", buf);
	check("realpath-buffer", rp == buf && strcmp(buf, target) == 0, "realpath(p, buf)");
	rp = canonicalize_file_name("/sys/class/nd/ndctl0");
	check("canonicalize", rp != NULL && strcmp(rp, target) == 0, "canonicalize_file_name");
	free(rp);
	/* libndctl's bus_path: realpath(/sys/dev/char/M:m/device). */
	snprintf(path, sizeof path, "/sys/dev/char/%u:%u/device", major(ndctl0), minor(ndctl0));
	rp = realpath(path, buf);
	check("realpath-bus-path", rp != NULL && strcmp(buf, "/sys/devices/platform/nfit_test.0/ndbus0") == 0, "realpath dev/char");
	errno = 0;
	check_errno("realpath-missing", realpath("/sys/class/nd/nope", buf) == NULL ? -1 : 0, ENOENT);

	/* libndctl's attribute read: open O_RDONLY|O_CLOEXEC, one read. */
	n = slurp("/sys/class/nd/ndctl0/dev", buf, sizeof buf);
	check("read-attr", n > 0 && ends_with_newline_dev(buf, ndctl0), "read class/nd/ndctl0/dev");
	fd = openat(AT_FDCWD, "/sys/class/nd/ndctl0/dev", O_RDONLY);
	n = fd >= 0 ? read(fd, other, sizeof other - 1) : -1;
	if (n >= 0)
		other[n] = '\0';
	check("openat-abs", n > 0 && strcmp(other, buf) == 0, "openat AT_FDCWD absolute");
	if (fd >= 0)
		close(fd);
	fd = open64("/sys/class/nd/ndctl0/dev", O_RDONLY);
	check("open64-sys", fd >= 0, "open64");
	if (fd >= 0)
		close(fd);
	f = fopen("/sys/class/nd/ndctl0/dev", "re");
	check("fopen-sys", f != NULL && fgets(other, sizeof other, f) != NULL && strcmp(other, buf) == 0, "fopen + fgets");
	if (f != NULL)
		fclose(f);
	/* Relative to a directory fd from the fake tree: plain kernel lookups inside it. */
	dfd = open("/sys/class/nd", O_RDONLY | O_DIRECTORY);
	fd = dfd >= 0 ? openat(dfd, "ndctl0/dev", O_RDONLY) : -1;
	n = fd >= 0 ? read(fd, other, sizeof other - 1) : -1;
	if (n >= 0)
		other[n] = '\0';
	check("openat-relative", n > 0 && strcmp(other, buf) == 0, "openat(dirfd, relative)");
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);

	check("opendir-sys", has_entry("/sys/class/nd", "ndctl0") && has_entry("/sys/class/nd", "ndctl1"), "opendir class/nd");
	check("opendir-dots", has_entry("/sys/./class//nd/", "ndctl0"), "opendir with . and //");
	cnt = scandir("/sys/class/nd", &list, NULL, alphasort);
	found = 0;
	for (i = 0; i < cnt; i++) {
		found += strcmp(list[i]->d_name, "ndctl0") == 0 || strcmp(list[i]->d_name, "ndctl1") == 0;
		free(list[i]);
	}
	if (cnt >= 0)
		free(list);
	check("scandir-sys", found == 2, "scandir class/nd");
	cnt = scandir64("/sys/bus/nd/devices", &list64, NULL, alphasort64);
	check("scandir64-sys", cnt > 4, "scandir64 bus/nd/devices");
	for (i = 0; i < cnt; i++)
		free(list64[i]);
	if (cnt > 0)
		free(list64);

	check("access-sys", access("/sys/class/nd/ndctl0/dev", R_OK) == 0, "access");
	check("faccessat-sys", faccessat(AT_FDCWD, "/sys/class/nd/ndctl0/dev", R_OK, 0) == 0, "faccessat");
	errno = 0;
	check_errno("access-sys-missing", access("/sys/class/nd/nope", F_OK), ENOENT);

	/* ".." is resolved on the string first: /sys/../etc is /etc, the real one. */
	check("dotdot-not-redirected", slurp("/etc/hostname", want, sizeof want) >= 0 && slurp("/sys/../etc/hostname", other, sizeof other) >= 0 &&
					       strcmp(want, other) == 0,
	      "/sys/../etc/hostname");
	check("dotdot-deep-not-redirected",
	      slurp("/sys/class/nd/../../../etc/hostname", other, sizeof other) >= 0 && strcmp(want, other) == 0,
	      "/sys/class/nd/../../../etc/hostname");
	snprintf(path, sizeof path, "/sys/../../../..%s/sys/class", root);
	check("dotdot-root-is-real-path", has_entry(path, "nd"), "absolute path to the mount itself still works");
}

/* Without NDSIM_SYS a mount namespace provides /sys: the shim leaves it alone. */
static void suite_nosys(void)
{
	char path[PATH_MAX];
	struct stat st, fake;

	snprintf(path, sizeof path, "%s/sys", root);
	check("sys-not-redirected", stat("/sys", &st) == 0 && lstat(path, &fake) == 0 && st.st_dev != fake.st_dev, "/sys redirected without NDSIM_SYS");
}

static void suite_noconnect(void)
{
	errno = 0;
	check_errno("noconnect-enxio", open("/dev/nmem0", O_RDWR), ENXIO);
	errno = 0;
	check_errno("noconnect-missing-enoent", open("/dev/nmem99", O_RDWR), ENOENT);
}

/*
 * process_vm_readv/writev refused (as some seccomp profiles do): the shim
 * falls back to a pipe and the exchanges still work; bad pointers still
 * give EFAULT.
 */
static int refuse_vm_syscalls(void)
{
#if defined(__x86_64__)
	const unsigned arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	const unsigned arch = AUDIT_ARCH_AARCH64;
#else
	const unsigned arch = 0;
#endif
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_readv, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_writev, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };

	if (arch == 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* Without process_vm_*: bad pointers still give EFAULT (through the pipe), and no descriptor leaks. */
static void fallback_bad_buffers(int fd)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *gap, *ro;
	struct dimm_flags *f;
	int before, after;

	before = dup(0);
	close(before);
	gap = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gap, (size_t)page);
	errno = 0;
	check_errno("fallback-efault-unmapped", ioctl(fd, ND_IOCTL_DIMM_FLAGS, gap), EFAULT);

	/* Half a struct before an unmapped page: the copy-in faults part-way. */
	gap = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gap + page, (size_t)page);
	errno = 0;
	check_errno("fallback-efault-short", ioctl(fd, ND_IOCTL_DIMM_FLAGS, gap + page - 4), EFAULT);
	munmap(gap, (size_t)page);

	ro = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	f = (struct dimm_flags *)ro;
	f->status = 7;
	f->flags = 0x2222;
	mprotect(ro, (size_t)page, PROT_READ);
	errno = 0;
	check_errno("fallback-efault-readonly", ioctl(fd, ND_IOCTL_DIMM_FLAGS, ro), EFAULT);
	check("fallback-efault-readonly-untouched", f->status == 7 && f->flags == 0x2222, "read-only page changed");
	munmap(ro, (size_t)page);
	check("fallback-efault-then-works", flags_roundtrip(fd, 0x5a5b), "ioctl after EFAULTs");
	after = dup(0);
	close(after);
	check("fallback-no-fd-leak", after == before, "a pipe descriptor was left open");
}

static void suite_fallback(void)
{
	dev_t nmem0 = node_rdev("nmem0");
	struct iovec l, r;
	char a[8], b[8];
	struct stat st;
	int fd;

	check("seccomp-installed", refuse_vm_syscalls() == 0, "seccomp filter");
	l.iov_base = a;
	l.iov_len = sizeof a;
	r.iov_base = b;
	r.iov_len = sizeof b;
	errno = 0;
	check_errno("vm-readv-refused", process_vm_readv(getpid(), &l, 1, &r, 1, 0), EPERM);
	fd = open("/dev/nmem0", O_RDWR);
	check("fallback-open", fd >= 0 && fstat(fd, &st) == 0 && is_node(&st, nmem0), "open + fstat");
	check("fallback-ioctl", flags_roundtrip(fd, 0x5a5a), "DIMM_FLAGS through the fallback");
	t_ioctl_call(fd, "fallback-ioctl-call");
	t_big(fd, "fallback-ioctl-big");
	errno = 0;
	check_errno("fallback-efault-null", ioctl(fd, ND_IOCTL_DIMM_FLAGS, NULL), EFAULT);
	check("fallback-then-works", flags_roundtrip(fd, 0xa5a5), "ioctl after NULL");
	fallback_bad_buffers(fd);
	close(fd);
}

/*
 * NULL paths get libc's answers (EFAULT from the kernel, EINVAL from
 * realpath), not a crash in the shim. Not run under ASan, whose own
 * interceptors take strlen(NULL) first.
 */
static void suite_nullpath(void)
{
	const char *volatile none = NULL; /* volatile: keep -Wnonnull out of a deliberate test */
	struct stat st;
	struct statx sx;
	char buf[64];

	errno = 0;
	check_errno("null-stat", stat(none, &st), EFAULT);
	errno = 0;
	check_errno("null-lstat", lstat(none, &st), EFAULT);
	errno = 0;
	check_errno("null-open", open(none, O_RDONLY), EFAULT);
	errno = 0;
	check_errno("null-access", access(none, F_OK), EFAULT);
	errno = 0;
	check_errno("null-readlink", readlink(none, buf, sizeof buf), EFAULT);
	errno = 0;
	check_errno("null-fstatat", fstatat(AT_FDCWD, none, &st, 0), EFAULT);
	errno = 0;
	check_errno("null-statx", statx(AT_FDCWD, none, 0, STATX_BASIC_STATS, &sx), EFAULT);
	errno = 0;
	check_errno("null-realpath", realpath(none, buf) == NULL ? -1 : 0, EINVAL);
}

/* NDSIM_ROOT unset: plain libc everywhere. */
static void suite_inert(void)
{
	char path[PATH_MAX];
	struct stat st, fake;
	int pfd[2], avail = -1;

	snprintf(path, sizeof path, "%s/sys", root);
	check("inert-sys-real", stat("/sys", &st) == 0 && lstat(path, &fake) == 0 && st.st_dev != fake.st_dev, "/sys redirected while inert");
	errno = 0;
	check_errno("inert-no-node", open("/dev/nmem0", O_RDWR), ENOENT);
	check("inert-ioctl", pipe(pfd) == 0 && ioctl(pfd[0], FIONREAD, &avail) == 0 && avail == 0, "FIONREAD");
}

int main(int argc, char **argv)
{
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	root = getenv("PROBE_ROOT");
	if (root == NULL)
		root = getenv("NDSIM_ROOT");
	if (root == NULL || argc < 2) {
		fprintf(stderr, "usage: PROBE_ROOT=mnt probe dev|sys|nosys|hidden|nullpath|noconnect|inert|fallback...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "dev") == 0)
			suite_dev();
		else if (strcmp(argv[i], "sys") == 0)
			suite_sys();
		else if (strcmp(argv[i], "nosys") == 0)
			suite_nosys();
		else if (strcmp(argv[i], "hidden") == 0)
			suite_hidden();
		else if (strcmp(argv[i], "noconnect") == 0)
			suite_noconnect();
		else if (strcmp(argv[i], "inert") == 0)
			suite_inert();
		else if (strcmp(argv[i], "fallback") == 0)
			suite_fallback();
		else if (strcmp(argv[i], "nullpath") == 0)
			suite_nullpath();
		else {
			fprintf(stderr, "probe: unknown suite %s\n", argv[i]);
			return 2;
		}
	}
	printf("probe: %d ok, %d failed\n", passes, failures);
	return failures == 0 ? 0 : 1;
}

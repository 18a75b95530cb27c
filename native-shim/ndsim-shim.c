/*
 * libndsim: LD_PRELOAD shim that lets an unmodified ndctl (Debian 76.1,
 * glibc 2.36) reach the ndsim daemon. It only classifies paths and carries
 * bytes; every decision about nvdimm behaviour is the daemon's. See
 * docs/shim-transport.md for the whole contract.
 *
 *  - /dev/ndctlN and /dev/nmemN: path calls go to $NDSIM_ROOT/dev/<name>
 *    (a FUSE char-device node with the right st_rdev, mounted nodev so it
 *    cannot be opened); open() returns a Unix socket to $NDSIM_SOCKET
 *    instead, whose fstat looks like the node and whose ioctls are
 *    forwarded.
 *  - NDSIM_SYS=1: /sys/... goes to $NDSIM_ROOT/sys/... as well.
 *  - /lib/modules and /usr/lib/modules do not exist (libkmod), and
 *    /run/modprobe.d is the daemon's: the nd module aliases only.
 *
 * Why these functions: glibc's opendir, scandir, fopen, realpath, stat64
 * (= fstatat64 since 2.33) and friends call libc-internal aliases that an
 * interposer cannot see, so each public entry point ndctl and its
 * libraries import is wrapped on its own.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "path.h"
#include "wire.h"

#define EXPORT __attribute__((visibility("default")))

/* ndctl opens one node per command; 4096 covers any ordinary RLIMIT_NOFILE. */
#define FD_TABLE_SIZE 4096

/* 64-bit glibc: stat64 is stat under another name (the table stores one). */
_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "struct stat64 must match struct stat");

/* Entry points glibc still exports but no longer declares (pre-2.33 stat ABI, fortify). */
int __xstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstat(int ver, int fd, struct stat *st);
int __fxstat64(int ver, int fd, struct stat64 *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
char *__realpath_chk(const char *path, char *resolved, size_t resolved_len);
ssize_t __readlink_chk(const char *path, char *buf, size_t len, size_t buf_len);
ssize_t __readlinkat_chk(int dirfd, const char *path, char *buf, size_t len, size_t buf_len);

typedef int (*dirent_filter)(const struct dirent *);
typedef int (*dirent_compar)(const struct dirent **, const struct dirent **);
typedef int (*dirent64_filter)(const struct dirent64 *);
typedef int (*dirent64_compar)(const struct dirent64 **, const struct dirent64 **);

/* The next definitions (libc's), looked up once. */
static struct {
	int (*open)(const char *, int, ...);
	int (*open64)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*openat64)(int, const char *, int, ...);
	int (*__open_2)(const char *, int);
	int (*__open64_2)(const char *, int);
	int (*__openat_2)(int, const char *, int);
	int (*__openat64_2)(int, const char *, int);
	FILE *(*fopen)(const char *, const char *);
	FILE *(*fopen64)(const char *, const char *);
	DIR *(*opendir)(const char *);
	int (*scandir)(const char *, struct dirent ***, dirent_filter, dirent_compar);
	int (*scandir64)(const char *, struct dirent64 ***, dirent64_filter, dirent64_compar);
	int (*stat)(const char *, struct stat *);
	int (*stat64)(const char *, struct stat64 *);
	int (*lstat)(const char *, struct stat *);
	int (*lstat64)(const char *, struct stat64 *);
	int (*fstat)(int, struct stat *);
	int (*fstat64)(int, struct stat64 *);
	int (*fstatat)(int, const char *, struct stat *, int);
	int (*fstatat64)(int, const char *, struct stat64 *, int);
	int (*__xstat)(int, const char *, struct stat *);
	int (*__xstat64)(int, const char *, struct stat64 *);
	int (*__lxstat)(int, const char *, struct stat *);
	int (*__lxstat64)(int, const char *, struct stat64 *);
	int (*__fxstat)(int, int, struct stat *);
	int (*__fxstat64)(int, int, struct stat64 *);
	int (*__fxstatat)(int, int, const char *, struct stat *, int);
	int (*__fxstatat64)(int, int, const char *, struct stat64 *, int);
	int (*statx)(int, const char *, int, unsigned int, struct statx *);
	ssize_t (*readlink)(const char *, char *, size_t);
	ssize_t (*readlinkat)(int, const char *, char *, size_t);
	ssize_t (*__readlink_chk)(const char *, char *, size_t, size_t);
	ssize_t (*__readlinkat_chk)(int, const char *, char *, size_t, size_t);
	char *(*realpath)(const char *, char *);
	char *(*__realpath_chk)(const char *, char *, size_t);
	int (*access)(const char *, int);
	int (*faccessat)(int, const char *, int, int);
	int (*ioctl)(int, unsigned long, ...);
	int (*close)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
	int (*fcntl64)(int, int, ...);
} real;

static struct {
	int active;                /* NDSIM_ROOT is set: otherwise every wrapper is a plain call */
	struct ndsim_paths paths;
	char root_real[PATH_MAX];  /* realpath(NDSIM_ROOT) when it differs from NDSIM_ROOT */
	size_t root_real_len;
	char socket[sizeof(((struct sockaddr_un *)0)->sun_path)];
} cfg;

/* One emulated descriptor: a socket to the daemon standing in for a node. */
struct node_fd {
	int used;       /* read without the lock on fast paths, hence atomics */
	struct stat st; /* the node's lstat: what fstat reports */
	dev_t sock_dev; /* the socket's identity, to notice the number was closed */
	ino_t sock_ino; /* and reused behind our back (fclose, close_range, ...) */
};

static struct node_fd table[FD_TABLE_SIZE];
/* Serialises request/reply exchanges and table updates (ndctl is single-threaded). */
static pthread_mutex_t lock_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/*
 * Signals are blocked while the lock is held: a handler that touched an
 * emulated fd would otherwise deadlock on it or interleave a second
 * request into the stream (umockdev's preload learnt the same).
 */
static void lock(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, old);
	pthread_mutex_lock(&lock_mutex);
}

static void unlock(const sigset_t *old)
{
	pthread_mutex_unlock(&lock_mutex);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* A fork never splits an exchange; the child gets a fresh, unlocked mutex. */
static void atfork_prepare(void)
{
	pthread_mutex_lock(&lock_mutex);
}

static void atfork_parent(void)
{
	pthread_mutex_unlock(&lock_mutex);
}

static void atfork_child(void)
{
	pthread_mutex_init(&lock_mutex, NULL);
}

#define RESOLVE(name) (real.name = (__typeof__(real.name))dlsym(RTLD_NEXT, #name))

static void init(void)
{
	const char *root, *sock, *sys;
	char norm[PATH_MAX], canon[PATH_MAX];
	int dir_only;
	size_t len;

	RESOLVE(open);
	RESOLVE(open64);
	RESOLVE(openat);
	RESOLVE(openat64);
	RESOLVE(__open_2);
	RESOLVE(__open64_2);
	RESOLVE(__openat_2);
	RESOLVE(__openat64_2);
	RESOLVE(fopen);
	RESOLVE(fopen64);
	RESOLVE(opendir);
	RESOLVE(scandir);
	RESOLVE(scandir64);
	RESOLVE(stat);
	RESOLVE(stat64);
	RESOLVE(lstat);
	RESOLVE(lstat64);
	RESOLVE(fstat);
	RESOLVE(fstat64);
	RESOLVE(fstatat);
	RESOLVE(fstatat64);
	RESOLVE(__xstat);
	RESOLVE(__xstat64);
	RESOLVE(__lxstat);
	RESOLVE(__lxstat64);
	RESOLVE(__fxstat);
	RESOLVE(__fxstat64);
	RESOLVE(__fxstatat);
	RESOLVE(__fxstatat64);
	RESOLVE(statx);
	RESOLVE(readlink);
	RESOLVE(readlinkat);
	RESOLVE(__readlink_chk);
	RESOLVE(__readlinkat_chk);
	RESOLVE(realpath);
	RESOLVE(__realpath_chk);
	RESOLVE(access);
	RESOLVE(faccessat);
	RESOLVE(ioctl);
	RESOLVE(close);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(fcntl);
	RESOLVE(fcntl64);

	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);

	/* Unset, empty or relative NDSIM_ROOT: inert. */
	root = getenv("NDSIM_ROOT");
	if (root == NULL || root[0] != '/' || ndsim_normalise(root, norm, &dir_only) != 0)
		return;
	len = strcmp(norm, "/") == 0 ? 0 : strlen(norm);
	memcpy(cfg.paths.root, norm, len);
	cfg.paths.root[len] = '\0';
	cfg.paths.root_len = len;

	sys = getenv("NDSIM_SYS");
	cfg.paths.sys = sys != NULL && strcmp(sys, "1") == 0;

	/* Too long for sockaddr_un (or unset): every open of a node fails ENXIO. */
	sock = getenv("NDSIM_SOCKET");
	if (sock != NULL && strlen(sock) < sizeof cfg.socket)
		memcpy(cfg.socket, sock, strlen(sock) + 1);

	/* realpath answers in canonical form: if the root is reached through a symlink, strip that spelling too. */
	if (len > 0 && real.realpath != NULL && real.realpath(cfg.paths.root, canon) != NULL && strcmp(canon, cfg.paths.root) != 0) {
		cfg.root_real_len = strlen(canon);
		memcpy(cfg.root_real, canon, cfg.root_real_len + 1);
	}
	cfg.active = 1;
}

static void ensure_init(void)
{
	pthread_once(&init_once, init);
}

/* ---- the fd table ------------------------------------------------------ */

static int in_table(int fd)
{
	return fd >= 0 && fd < FD_TABLE_SIZE;
}

static int is_used(int fd)
{
	return in_table(fd) && __atomic_load_n(&table[fd].used, __ATOMIC_ACQUIRE);
}

/* Under the lock: the entry is set and fd is still that socket. A stale entry is dropped. */
static int entry_live(int fd)
{
	struct stat now;

	if (!is_used(fd))
		return 0;
	if (real.fstat != NULL && real.fstat(fd, &now) == 0 && S_ISSOCK(now.st_mode) && now.st_dev == table[fd].sock_dev &&
	    now.st_ino == table[fd].sock_ino)
		return 1;
	__atomic_store_n(&table[fd].used, 0, __ATOMIC_RELEASE);
	return 0;
}

/* fd is a new descriptor from a non-emulated call: whatever it was before is gone. */
static void forget(int fd)
{
	sigset_t old;

	if (!is_used(fd))
		return;
	lock(&old);
	__atomic_store_n(&table[fd].used, 0, __ATOMIC_RELEASE);
	unlock(&old);
}

/* If fd is emulated, copy the node's stat to *st and return 1. */
static int tracked_stat(int fd, struct stat *st)
{
	sigset_t old;
	int live;

	if (!is_used(fd))
		return 0;
	lock(&old);
	live = entry_live(fd);
	if (live)
		*st = table[fd].st;
	unlock(&old);
	return live;
}

/* Under the lock: remember fd as an emulated node (used is set last, for the lock-free readers). */
static void track(int fd, const struct stat *node, dev_t sock_dev, ino_t sock_ino)
{
	__atomic_store_n(&table[fd].used, 0, __ATOMIC_RELEASE);
	table[fd].st = *node;
	table[fd].sock_dev = sock_dev;
	table[fd].sock_ino = sock_ino;
	__atomic_store_n(&table[fd].used, 1, __ATOMIC_RELEASE);
}

/* `to` is a dup of `from`: it is emulated exactly when `from` is. Returns to, or -1 (EMFILE). */
static int after_dup(int from, int to)
{
	sigset_t old;
	int emulated;

	if (!is_used(from) && !is_used(to))
		return to;
	lock(&old);
	emulated = entry_live(from);
	if (in_table(to)) {
		if (emulated)
			track(to, &table[from].st, table[from].sock_dev, table[from].sock_ino);
		else
			__atomic_store_n(&table[to].used, 0, __ATOMIC_RELEASE);
	}
	unlock(&old);
	if (emulated && !in_table(to)) {
		real.close(to);
		errno = EMFILE;
		return -1;
	}
	return to;
}

/* ---- path routing -------------------------------------------------------- */

/*
 * Decide where `path` goes. *use is what to hand to libc; a HIDDEN or
 * TOOLONG answer has errno set and the call must fail.
 */
static enum ndsim_route route(const char *path, struct ndsim_target *t, const char **use)
{
	enum ndsim_route r;

	ensure_init();
	*use = path;
	if (!cfg.active)
		return NDSIM_PASS;
	r = ndsim_classify(&cfg.paths, path, t);
	switch (r) {
	case NDSIM_PASS:
		break;
	case NDSIM_REDIRECT:
	case NDSIM_NODE:
		*use = t->path;
		break;
	case NDSIM_HIDDEN:
		errno = ENOENT;
		break;
	case NDSIM_TOOLONG:
		errno = ENAMETOOLONG;
		break;
	}
	return r;
}

static int refused(enum ndsim_route r)
{
	return r == NDSIM_HIDDEN || r == NDSIM_TOOLONG;
}

/* Kept out of line: the public prototypes declare these pointers nonnull, a caller may not care. */
static int empty_path(const char *path)
{
	return path == NULL || path[0] == '\0';
}

#define NEED_REAL(name, fail)             \
	do {                              \
		if (real.name == NULL) {  \
			errno = ENOSYS;   \
			return fail;      \
		}                         \
	} while (0)

/* ---- open ---------------------------------------------------------------- */

/*
 * A pmem disk the daemon let us open (it exists; O_EXCL found no holder).
 * ndsim keeps no disk contents: the descriptor is /dev/zero's, so reads see
 * the zeroed media of a fresh namespace (ndctl finds no info block there)
 * and writes vanish, while fstat shows the block device and ioctls on it
 * fail ENOTTY. That is all ndctl needs (the exclusive-open check before a
 * namespace is disabled, the info-block read before it is destroyed).
 */
static int open_disk(int sock, const struct stat *node, int flags)
{
	struct stat self;
	sigset_t old;
	int fd;

	real.close(sock);
	NEED_REAL(open, -1);
	fd = real.open("/dev/zero", (flags & O_ACCMODE) | (flags & O_CLOEXEC));
	if (fd < 0)
		return -1;
	if (!in_table(fd) || real.fstat == NULL || real.fstat(fd, &self) != 0) {
		real.close(fd);
		errno = in_table(fd) ? EIO : EMFILE;
		return -1;
	}
	lock(&old);
	track(fd, node, self.st_dev, self.st_ino);
	unlock(&old);
	return fd;
}

/*
 * may_open() for the node: the kernel checks the device file's mode
 * against the caller before any driver's open runs (fs/namei.c,
 * may_open -> inode_permission -> generic_permission), so a non-root user
 * meets EACCES on the crw------- root:root /dev/nmemN and /dev/ndctlN. The
 * fake node carries that mode and owner, and the FUSE mount is mounted
 * with default_permissions, so asking the kernel about the fake node
 * (faccessat with the effective ids) is exactly that check. root passes
 * (CAP_DAC_OVERRIDE), as it does on the real node. This only gives the
 * right errno early: the real barrier is the ioctl socket (0600, in a 0700
 * directory by default), which another user cannot connect to at all.
 */
static int may_open_node(const struct ndsim_target *t, int flags)
{
	int want;

	if (geteuid() == 0)
		return 0;
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		want = R_OK;
		break;
	case O_WRONLY:
		want = W_OK;
		break;
	default:
		want = R_OK | W_OK;
		break;
	}
	NEED_REAL(faccessat, -1);
	return real.faccessat(AT_FDCWD, t->path, want, AT_EACCESS);
}

/* Connect a socket to the daemon and OPEN the node; the fd is tracked on success. */
static int open_node(const struct ndsim_target *t, int flags)
{
	struct sockaddr_un sa;
	struct stat node, self;
	sigset_t old;
	int sock, e;

	NEED_REAL(lstat, -1);
	NEED_REAL(close, -1);
	/* The fake /dev says whether the node exists (ENOENT) and what fstat must show. */
	if (real.lstat(t->path, &node) != 0)
		return -1;
	if (!S_ISCHR(node.st_mode) && !S_ISBLK(node.st_mode)) {
		errno = ENXIO;
		return -1;
	}
	if (may_open_node(t, flags) != 0)
		return -1;
	sock = socket(AF_UNIX, SOCK_STREAM | ((flags & O_CLOEXEC) ? SOCK_CLOEXEC : 0), 0);
	if (sock < 0)
		return -1;
	if (!in_table(sock)) {
		real.close(sock);
		errno = EMFILE;
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, cfg.socket, sizeof sa.sun_path);
	if (cfg.socket[0] == '\0' || connect(sock, (struct sockaddr *)&sa, sizeof sa) != 0) {
		real.close(sock);
		errno = ENXIO; /* no daemon behind the node: what a driver-less char device answers */
		return -1;
	}
	e = ndsim_wire_open(sock, t->node, t->node_len, flags);
	if (e == 0 && S_ISBLK(node.st_mode))
		return open_disk(sock, &node, flags);
	if (e == 0 && (real.fstat == NULL || real.fstat(sock, &self) != 0))
		e = EIO;
	if (e != 0) {
		real.close(sock);
		errno = e;
		return -1;
	}
	lock(&old);
	track(sock, &node, self.st_dev, self.st_ino);
	unlock(&old);
	return sock;
}

enum open_fn { OPEN, OPEN64, OPENAT, OPENAT64, OPEN_2, OPEN64_2, OPENAT_2, OPENAT64_2 };

static int call_open(enum open_fn fn, int dirfd, const char *path, int flags, mode_t mode)
{
	switch (fn) {
	case OPEN:
		NEED_REAL(open, -1);
		return real.open(path, flags, mode);
	case OPEN64:
		NEED_REAL(open64, -1);
		return real.open64(path, flags, mode);
	case OPENAT:
		NEED_REAL(openat, -1);
		return real.openat(dirfd, path, flags, mode);
	case OPENAT64:
		NEED_REAL(openat64, -1);
		return real.openat64(dirfd, path, flags, mode);
	case OPEN_2:
		NEED_REAL(__open_2, -1);
		return real.__open_2(path, flags);
	case OPEN64_2:
		NEED_REAL(__open64_2, -1);
		return real.__open64_2(path, flags);
	case OPENAT_2:
		NEED_REAL(__openat_2, -1);
		return real.__openat_2(dirfd, path, flags);
	case OPENAT64_2:
		NEED_REAL(__openat64_2, -1);
		return real.__openat64_2(dirfd, path, flags);
	}
	errno = ENOSYS;
	return -1;
}

static int do_open(enum open_fn fn, int dirfd, const char *path, int flags, mode_t mode)
{
	struct ndsim_target t;
	const char *use;
	enum ndsim_route r = route(path, &t, &use);
	int fd;

	if (refused(r))
		return -1;
	/* O_PATH never reaches a driver's open: the fake node itself serves it. */
	if (r == NDSIM_NODE && !(flags & O_PATH))
		return open_node(&t, flags);
	fd = call_open(fn, dirfd, use, flags, mode);
	if (fd >= 0)
		forget(fd);
	return fd;
}

/* glibc reads the mode only when O_CREAT or O_TMPFILE asks for one. */
#ifdef __OPEN_NEEDS_MODE
#define NEEDS_MODE(flags) __OPEN_NEEDS_MODE(flags)
#else
#define NEEDS_MODE(flags) (((flags) & O_CREAT) != 0)
#endif

#define OPEN_MODE(flags, last, mode)                 \
	do {                                         \
		if (NEEDS_MODE(flags)) {             \
			va_list ap_;                 \
			va_start(ap_, last);         \
			mode = (mode_t)va_arg(ap_, int); \
			va_end(ap_);                 \
		}                                    \
	} while (0)

EXPORT int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, flags, mode);
	return do_open(OPEN, AT_FDCWD, path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, flags, mode);
	return do_open(OPEN64, AT_FDCWD, path, flags, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, flags, mode);
	return do_open(OPENAT, dirfd, path, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, flags, mode);
	return do_open(OPENAT64, dirfd, path, flags, mode);
}

/* _FORTIFY_SOURCE entry points: open() without a mode argument. */
EXPORT int __open_2(const char *path, int flags)
{
	return do_open(OPEN_2, AT_FDCWD, path, flags, 0);
}

EXPORT int __open64_2(const char *path, int flags)
{
	return do_open(OPEN64_2, AT_FDCWD, path, flags, 0);
}

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return do_open(OPENAT_2, dirfd, path, flags, 0);
}

EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return do_open(OPENAT64_2, dirfd, path, flags, 0);
}

/*
 * fopen and opendir open through glibc-internal calls. They get the
 * rewritten path only: a FILE or DIR on a node is not emulated (fopen of a
 * node fails like any device on a nodev mount).
 */
EXPORT FILE *fopen(const char *path, const char *mode)
{
	struct ndsim_target t;
	const char *use;
	FILE *f;

	if (refused(route(path, &t, &use)))
		return NULL;
	NEED_REAL(fopen, NULL);
	f = real.fopen(use, mode);
	if (f != NULL)
		forget(fileno(f));
	return f;
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
	struct ndsim_target t;
	const char *use;
	FILE *f;

	if (refused(route(path, &t, &use)))
		return NULL;
	NEED_REAL(fopen64, NULL);
	f = real.fopen64(use, mode);
	if (f != NULL)
		forget(fileno(f));
	return f;
}

EXPORT DIR *opendir(const char *path)
{
	struct ndsim_target t;
	const char *use;
	DIR *d;

	if (refused(route(path, &t, &use)))
		return NULL;
	NEED_REAL(opendir, NULL);
	d = real.opendir(use);
	if (d != NULL)
		forget(dirfd(d));
	return d;
}

/* scandir opens its directory with an internal __opendir. */
EXPORT int scandir(const char *path, struct dirent ***list, dirent_filter filter, dirent_compar compar)
{
	struct ndsim_target t;
	const char *use;

	if (refused(route(path, &t, &use)))
		return -1;
	NEED_REAL(scandir, -1);
	return real.scandir(use, list, filter, compar);
}

EXPORT int scandir64(const char *path, struct dirent64 ***list, dirent64_filter filter, dirent64_compar compar)
{
	struct ndsim_target t;
	const char *use;

	if (refused(route(path, &t, &use)))
		return -1;
	NEED_REAL(scandir64, -1);
	return real.scandir64(use, list, filter, compar);
}

/* ---- stat family ----------------------------------------------------------- */

/* The node's stat into the caller's buffer, EFAULT rather than a crash on a bad one. */
static int put_stat(void *dst, const struct stat *st)
{
	int e = ndsim_copy_out(dst, st, sizeof *st);

	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

/* The legacy __fxstat family on 64-bit: versions 0 (kernel) and 1 (glibc) share struct stat. */
static int stat_ver_ok(int ver)
{
	return ver == 0 || ver == 1;
}

#define PATH_STAT(name, type)                                             \
	EXPORT int name(const char *path, type *st)                       \
	{                                                                 \
		struct ndsim_target t;                                    \
		const char *use;                                          \
		if (refused(route(path, &t, &use)))                       \
			return -1;                                        \
		NEED_REAL(name, -1);                                      \
		return real.name(use, st);                                \
	}

PATH_STAT(stat, struct stat)
PATH_STAT(stat64, struct stat64)
PATH_STAT(lstat, struct stat)
PATH_STAT(lstat64, struct stat64)

#define LEGACY_PATH_STAT(name, type)                                      \
	EXPORT int name(int ver, const char *path, type *st)              \
	{                                                                 \
		struct ndsim_target t;                                    \
		const char *use;                                          \
		if (refused(route(path, &t, &use)))                       \
			return -1;                                        \
		NEED_REAL(name, -1);                                      \
		return real.name(ver, use, st);                           \
	}

LEGACY_PATH_STAT(__xstat, struct stat)
LEGACY_PATH_STAT(__xstat64, struct stat64)
LEGACY_PATH_STAT(__lxstat, struct stat)
LEGACY_PATH_STAT(__lxstat64, struct stat64)

EXPORT int fstat(int fd, struct stat *st)
{
	struct stat node;

	ensure_init();
	if (tracked_stat(fd, &node))
		return put_stat(st, &node);
	NEED_REAL(fstat, -1);
	return real.fstat(fd, st);
}

/* The symbol Debian's ndctl calls (fstat64@GLIBC_2.33, itself newfstatat(fd, "", AT_EMPTY_PATH)). */
EXPORT int fstat64(int fd, struct stat64 *st)
{
	struct stat node;

	ensure_init();
	if (tracked_stat(fd, &node))
		return put_stat(st, &node);
	NEED_REAL(fstat64, -1);
	return real.fstat64(fd, st);
}

EXPORT int __fxstat(int ver, int fd, struct stat *st)
{
	struct stat node;

	ensure_init();
	if (stat_ver_ok(ver) && tracked_stat(fd, &node))
		return put_stat(st, &node);
	NEED_REAL(__fxstat, -1);
	return real.__fxstat(ver, fd, st);
}

EXPORT int __fxstat64(int ver, int fd, struct stat64 *st)
{
	struct stat node;

	ensure_init();
	if (stat_ver_ok(ver) && tracked_stat(fd, &node))
		return put_stat(st, &node);
	NEED_REAL(__fxstat64, -1);
	return real.__fxstat64(ver, fd, st);
}

/* fstatat(fd, "", buf, AT_EMPTY_PATH) is how glibc >= 2.33 implements fstat itself. */
static int at_tracked(int dirfd, const char *path, int flags, struct stat *node)
{
	return (flags & AT_EMPTY_PATH) && empty_path(path) && tracked_stat(dirfd, node);
}

#define AT_STAT(name, type)                                               \
	EXPORT int name(int dirfd, const char *path, type *st, int flags) \
	{                                                                 \
		struct ndsim_target t;                                    \
		struct stat node;                                         \
		const char *use;                                          \
		if (refused(route(path, &t, &use)))                       \
			return -1;                                        \
		if (at_tracked(dirfd, path, flags, &node))                \
			return put_stat(st, &node);                       \
		NEED_REAL(name, -1);                                      \
		return real.name(dirfd, use, st, flags);                  \
	}

AT_STAT(fstatat, struct stat)
AT_STAT(fstatat64, struct stat64)

#define LEGACY_AT_STAT(name, type)                                                 \
	EXPORT int name(int ver, int dirfd, const char *path, type *st, int flags) \
	{                                                                          \
		struct ndsim_target t;                                             \
		struct stat node;                                                  \
		const char *use;                                                   \
		if (refused(route(path, &t, &use)))                                \
			return -1;                                                 \
		if (stat_ver_ok(ver) && at_tracked(dirfd, path, flags, &node))     \
			return put_stat(st, &node);                                \
		NEED_REAL(name, -1);                                               \
		return real.name(ver, dirfd, use, st, flags);                      \
	}

LEGACY_AT_STAT(__fxstatat, struct stat)
LEGACY_AT_STAT(__fxstatat64, struct stat64)

/* What statx(2) would report for the node: the basic fields, from its stat. */
static void stat_to_statx(const struct stat *st, struct statx *sx)
{
	memset(sx, 0, sizeof *sx);
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = (uint32_t)st->st_blksize;
	sx->stx_nlink = (uint32_t)st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (uint16_t)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (uint64_t)st->st_size;
	sx->stx_blocks = (uint64_t)st->st_blocks;
	sx->stx_atime.tv_sec = st->st_atim.tv_sec;
	sx->stx_atime.tv_nsec = (uint32_t)st->st_atim.tv_nsec;
	sx->stx_mtime.tv_sec = st->st_mtim.tv_sec;
	sx->stx_mtime.tv_nsec = (uint32_t)st->st_mtim.tv_nsec;
	sx->stx_ctime.tv_sec = st->st_ctim.tv_sec;
	sx->stx_ctime.tv_nsec = (uint32_t)st->st_ctim.tv_nsec;
	sx->stx_rdev_major = major(st->st_rdev);
	sx->stx_rdev_minor = minor(st->st_rdev);
	sx->stx_dev_major = major(st->st_dev);
	sx->stx_dev_minor = minor(st->st_dev);
}

EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *sx)
{
	struct ndsim_target t;
	struct stat node;
	struct statx out;
	const char *use;
	int e;

	if (refused(route(path, &t, &use)))
		return -1;
	if (at_tracked(dirfd, path, flags, &node)) {
		stat_to_statx(&node, &out);
		e = ndsim_copy_out(sx, &out, sizeof out);
		if (e != 0) {
			errno = e;
			return -1;
		}
		return 0;
	}
	NEED_REAL(statx, -1);
	return real.statx(dirfd, use, flags, mask, sx);
}

/* ---- access, readlink, realpath ------------------------------------------- */

EXPORT int access(const char *path, int mode)
{
	struct ndsim_target t;
	const char *use;

	if (refused(route(path, &t, &use)))
		return -1;
	NEED_REAL(access, -1);
	return real.access(use, mode);
}

EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	struct ndsim_target t;
	const char *use;

	if (refused(route(path, &t, &use)))
		return -1;
	NEED_REAL(faccessat, -1);
	return real.faccessat(dirfd, use, mode, flags);
}

/* Link targets come back verbatim: sysfs links are relative, so they stay inside the tree. */
EXPORT ssize_t readlink(const char *path, char *buf, size_t size)
{
	struct ndsim_target t;
	const char *use;

	if (refused(route(path, &t, &use)))
		return -1;
	NEED_REAL(readlink, -1);
	return real.readlink(use, buf, size);
}

EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	struct ndsim_target t;
	const char *use;

	if (refused(route(path, &t, &use)))
		return -1;
	NEED_REAL(readlinkat, -1);
	return real.readlinkat(dirfd, use, buf, size);
}

/* _FORTIFY_SOURCE readlink: the real one checks the sizes (and aborts on a lie). */
EXPORT ssize_t __readlink_chk(const char *path, char *buf, size_t len, size_t buf_len)
{
	struct ndsim_target t;
	const char *use;

	if (refused(route(path, &t, &use)))
		return -1;
	NEED_REAL(__readlink_chk, -1);
	return real.__readlink_chk(use, buf, len, buf_len);
}

EXPORT ssize_t __readlinkat_chk(int dirfd, const char *path, char *buf, size_t len, size_t buf_len)
{
	struct ndsim_target t;
	const char *use;

	if (refused(route(path, &t, &use)))
		return -1;
	NEED_REAL(__readlinkat_chk, -1);
	return real.__readlinkat_chk(dirfd, use, buf, len, buf_len);
}

/*
 * realpath: resolve inside the fake root, then show the caller the path it
 * would have got on a real system ("/sys/devices/..."): libndctl keeps
 * these strings (bus_path) and libdaxctl compares them with "/sys/bus/dax".
 */
static char *resolve(const char *path, char *resolved)
{
	struct ndsim_target t;
	char buf[PATH_MAX];
	const char *use, *out;
	enum ndsim_route r = route(path, &t, &use);
	size_t n;
	char *copy;

	if (refused(r))
		return NULL;
	NEED_REAL(realpath, NULL);
	if (r == NDSIM_PASS)
		return real.realpath(path, resolved);
	if (real.realpath(use, buf) == NULL)
		return NULL;
	out = ndsim_strip_root(buf, cfg.paths.root, cfg.paths.root_len);
	if (out == NULL && cfg.root_real_len > 0)
		out = ndsim_strip_root(buf, cfg.root_real, cfg.root_real_len);
	if (out == NULL)
		out = buf; /* a link led out of the tree: that is where the path is */
	n = strlen(out); /* a suffix of buf: < PATH_MAX, fits a caller's PATH_MAX buffer */
	if (resolved != NULL) {
		memmove(resolved, out, n + 1);
		return resolved;
	}
	copy = malloc(n + 1);
	if (copy == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(copy, out, n + 1);
	return copy;
}

EXPORT char *realpath(const char *path, char *resolved)
{
	return resolve(path, resolved);
}

/* glibc: realpath(path, NULL) via the internal __realpath. */
EXPORT char *canonicalize_file_name(const char *path)
{
	return resolve(path, NULL);
}

EXPORT char *__realpath_chk(const char *path, char *resolved, size_t resolved_len)
{
	ensure_init();
	/* A buffer below PATH_MAX: let glibc report the overflow the way it does. */
	if (resolved != NULL && resolved_len < PATH_MAX) {
		NEED_REAL(__realpath_chk, NULL);
		return real.__realpath_chk(path, resolved, resolved_len);
	}
	return resolve(path, resolved);
}

/* ---- descriptors: ioctl, close, dup ---------------------------------------- */

EXPORT int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;
	sigset_t old;
	int ret = -1, err = 0, live;

	/* glibc's ioctl takes the third argument as a pointer-sized word, whatever it is. */
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);

	ensure_init();
	if (is_used(fd)) {
		lock(&old);
		live = entry_live(fd);
		if (live && S_ISBLK(table[fd].st.st_mode)) {
			/* No block-layer ioctl is emulated on a pmem disk. */
			ret = -1;
			err = ENOTTY;
		} else if (live)
			ret = ndsim_wire_ioctl(fd, (uint32_t)(request & 0xffffffffu), arg, &err);
		unlock(&old);
		if (live) {
			if (ret < 0)
				errno = err;
			return ret;
		}
	}
	NEED_REAL(ioctl, -1);
	return real.ioctl(fd, request, arg);
}

EXPORT int close(int fd)
{
	ensure_init();
	forget(fd);
	NEED_REAL(close, -1);
	return real.close(fd);
}

EXPORT int dup(int fd)
{
	int r;

	ensure_init();
	NEED_REAL(dup, -1);
	r = real.dup(fd);
	return r < 0 ? r : after_dup(fd, r);
}

EXPORT int dup2(int fd, int to)
{
	int r;

	ensure_init();
	NEED_REAL(dup2, -1);
	r = real.dup2(fd, to);
	/* dup2(fd, fd) changes nothing (POSIX); otherwise `to` now is fd's file. */
	return r < 0 || fd == to ? r : after_dup(fd, r);
}

EXPORT int dup3(int fd, int to, int flags)
{
	int r;

	ensure_init();
	NEED_REAL(dup3, -1);
	r = real.dup3(fd, to, flags);
	return r < 0 ? r : after_dup(fd, r);
}

/*
 * Like glibc's own fcntl, take the optional argument as a pointer-sized
 * word and pass it on unchanged; only the duplicating commands matter here.
 */
static int do_fcntl(int (*fn)(int, int, ...), int fd, int cmd, void *arg)
{
	int r;

	if (fn == NULL) {
		errno = ENOSYS;
		return -1;
	}
	if (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC)
		return fn(fd, cmd, arg);
	r = fn(fd, cmd, (int)(intptr_t)arg);
	return r < 0 ? r : after_dup(fd, r);
}

EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	ensure_init();
	return do_fcntl(real.fcntl, fd, cmd, arg);
}

/* Same function on 64-bit, but libudev links fcntl64@GLIBC_2.28 by that name. */
EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	ensure_init();
	return do_fcntl(real.fcntl64, fd, cmd, arg);
}

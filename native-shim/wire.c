/*
 * Carrying bytes between the caller's ioctl argument and the daemon. The
 * shim knows no ioctl layout: like the kernel's nd ioctl path (which reads
 * the fixed part, then the sizes it names, then the rest), the daemon says
 * how many leading bytes it needs and the shim sends exactly those. Only
 * the first round guesses: the size the request number encodes.
 *
 * No allocation happens here: user memory goes through one static bounce
 * buffer in chunks, and that buffer is only touched under the shim's lock.
 */
#define _GNU_SOURCE
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define CHUNK (64u * 1024u)
/* NEED must grow each round, so this only bounds a daemon that creeps up. */
#define MAX_ROUNDS 16
/* The first round's guess is capped here (ND_CMD_MAX_ENVELOPE). */
#define GUESS_MAX 256u
/* Largest errno a reply may carry (the kernel's MAX_ERRNO). */
#define MAX_ERRNO 4095

/* Header followed by one chunk, so a small request goes out in one send(). */
static unsigned char bounce[NDSIM_HEADER_SIZE + CHUNK];

/* Set once process_vm_readv/writev are refused (seccomp, old kernel): then a pipe. */
static int vm_refused;
/* What one pipe round trip moves: a pipe always holds at least one page. */
#define PIPE_PIECE 4096u

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff);
	p[3] = (unsigned char)((v >> 24) & 0xff);
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t get_le64(const unsigned char *p)
{
	return (uint64_t)get_le32(p) | ((uint64_t)get_le32(p + 4) << 32);
}

static void put_header(unsigned char *h, uint32_t op, uint32_t arg, uint32_t len)
{
	put_le32(h, NDSIM_MAGIC);
	put_le32(h + 4, op);
	put_le32(h + 8, arg);
	put_le32(h + 12, len);
}

/* All of buf, or -1. MSG_NOSIGNAL: a dead daemon must give EIO, not SIGPIPE. */
static int send_all(int sock, const unsigned char *buf, size_t n)
{
	while (n > 0) {
		ssize_t k = send(sock, buf, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		buf += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Exactly n bytes, or -1 (error, or EOF before n). */
static int recv_all(int sock, unsigned char *buf, size_t n)
{
	while (n > 0) {
		ssize_t k = recv(sock, buf, n, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		buf += k;
		n -= (size_t)k;
	}
	return 0;
}

struct reply {
	uint32_t kind;
	int32_t value;
	uint32_t len;
};

static int recv_reply(int sock, struct reply *r)
{
	unsigned char h[NDSIM_HEADER_SIZE];
	uint32_t value;

	if (recv_all(sock, h, sizeof h) != 0 || get_le32(h) != NDSIM_MAGIC)
		return -1;
	r->kind = get_le32(h + 4);
	value = get_le32(h + 8);
	memcpy(&r->value, &value, sizeof r->value); /* the i32 on the wire */
	r->len = get_le32(h + 12);
	return 0;
}

/*
 * Through a private pipe: write() copies from its buffer and read() copies
 * into its buffer with the kernel's copy_{from,to}_user, so a bad caller
 * pointer on either side gives EFAULT (or a short count) instead of a
 * fault in the shim. Returns 0 or EFAULT, or -1 when no pipe could be made.
 * The pipe lives for one call: nothing is shared with a forked child, and a
 * program closing descriptors behind the shim's back cannot reach it. Its
 * ends are closed with the raw system call, because close() is the shim's
 * own wrapper and may take the lock the caller holds.
 */
static int pipe_copy(void *dst, const void *src, size_t n)
{
	int p[2], e = 0;
	size_t off, k;
	ssize_t w, r;

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	for (off = 0; off < n; off += k) {
		k = n - off < PIPE_PIECE ? n - off : PIPE_PIECE;
		do
			w = write(p[1], (const void *)((uintptr_t)src + off), k);
		while (w < 0 && errno == EINTR);
		if (w != (ssize_t)k) {
			e = EFAULT;
			break;
		}
		do
			r = read(p[0], (void *)((uintptr_t)dst + off), k);
		while (r < 0 && errno == EINTR);
		if (r != (ssize_t)k) {
			e = EFAULT;
			break;
		}
	}
	syscall(SYS_close, p[0]);
	syscall(SYS_close, p[1]);
	return e;
}

static int vm_copy(void *dst, const void *src, size_t n, int to_user)
{
	struct iovec local, remote;
	ssize_t k;
	int e;

	if (n == 0)
		return 0;
	if (!__atomic_load_n(&vm_refused, __ATOMIC_RELAXED)) {
		/*
		 * The kernel checks the remote range page by page and answers
		 * EFAULT (or a short count) where the caller's pointer is bad;
		 * a process may always access itself (ptrace_may_access).
		 */
		local.iov_base = to_user ? (void *)(uintptr_t)src : dst;
		local.iov_len = n;
		remote.iov_base = to_user ? dst : (void *)(uintptr_t)src;
		remote.iov_len = n;
		k = to_user ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
			    : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		if (k >= 0)
			return (size_t)k == n ? 0 : EFAULT;
		if (errno != ENOSYS && errno != EPERM)
			return errno;
		__atomic_store_n(&vm_refused, 1, __ATOMIC_RELAXED);
	}
	e = pipe_copy(dst, src, n);
	if (e >= 0)
		return e;
	/* Out of descriptors: only a NULL pointer can be caught; anything else faults like a memcpy would. */
	if ((to_user ? dst : src) == NULL)
		return EFAULT;
	memcpy(dst, src, n);
	return 0;
}

int ndsim_copy_in(void *dst, const void *user_src, size_t n)
{
	return vm_copy(dst, user_src, n, 0);
}

int ndsim_copy_out(void *user_dst, const void *src, size_t n)
{
	return vm_copy(user_dst, src, n, 1);
}

static void *user_at(void *arg, size_t off)
{
	/* Integer arithmetic: the pointer may be garbage and must not be "used" yet. */
	return (void *)((uintptr_t)arg + off);
}

int ndsim_wire_open(int sock, const char *name, size_t name_len, int flags)
{
	unsigned char req[NDSIM_HEADER_SIZE + 32];
	struct reply r;

	if (name_len > sizeof req - NDSIM_HEADER_SIZE)
		return ENXIO;
	put_header(req, NDSIM_OP_OPEN, (uint32_t)flags, (uint32_t)name_len);
	memcpy(req + NDSIM_HEADER_SIZE, name, name_len);
	if (send_all(sock, req, NDSIM_HEADER_SIZE + name_len) != 0 || recv_reply(sock, &r) != 0)
		return EIO;
	if (r.kind != NDSIM_REPLY_DONE || r.len != 0 || r.value < 0 || r.value > MAX_ERRNO)
		return EIO;
	return (int)r.value;
}

/*
 * Send IOCTL with the first `len` bytes of arg. Returns 0 or an errno;
 * *desync is set when part of the request already went out (the stream
 * can then not be trusted any more).
 */
static int send_ioctl(int sock, uint32_t request, void *arg, uint32_t len, int *desync)
{
	unsigned char *payload = bounce + NDSIM_HEADER_SIZE;
	size_t off, n;
	int e;

	put_header(bounce, NDSIM_OP_IOCTL, request, len);
	if (len <= CHUNK) {
		e = ndsim_copy_in(payload, arg, len);
		if (e != 0)
			return e; /* nothing sent: EFAULT leaves the stream in step */
		if (send_all(sock, bounce, NDSIM_HEADER_SIZE + len) != 0) {
			*desync = 1;
			return EIO;
		}
		return 0;
	}

	/* Larger than the bounce buffer: prove the whole range readable before sending anything. */
	for (off = 0; off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		e = ndsim_copy_in(payload, user_at(arg, off), n);
		if (e != 0)
			return e;
	}
	*desync = 1; /* from here on a failure leaves a half-sent request */
	if (send_all(sock, bounce, NDSIM_HEADER_SIZE) != 0)
		return EIO;
	for (off = 0; off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		e = ndsim_copy_in(payload, user_at(arg, off), n);
		if (e != 0)
			return e; /* unmapped by another thread since the check */
		if (send_all(sock, payload, n) != 0)
			return EIO;
	}
	*desync = 0;
	return 0;
}

/*
 * Read the DONE payload into arg. A fault while writing does not stop the
 * read: the rest is drained so the stream stays in step, and the ioctl
 * fails with EFAULT like a failed copy_to_user. Returns 0, EFAULT, or -1
 * when the socket broke.
 */
static int recv_payload(int sock, void *arg, uint32_t len)
{
	unsigned char *payload = bounce + NDSIM_HEADER_SIZE;
	size_t off, n;
	int fault = 0;

	for (off = 0; off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		if (recv_all(sock, payload, n) != 0)
			return -1;
		if (fault == 0)
			fault = ndsim_copy_out(user_at(arg, off), payload, n);
	}
	return fault;
}

/*
 * UNLESS_FAULT: the daemon's errno stands unless the named range of the
 * argument cannot be read (the kernel's copy_from_user of an envelope that
 * lies past anything the daemon may ask for). Returns the errno for the
 * caller, or -1 when the reply is malformed or the socket broke.
 */
static int recv_unless_fault(int sock, const struct reply *r, void *arg)
{
	unsigned char range[NDSIM_RANGE_SIZE];
	unsigned char scratch[NDSIM_MAX_RANGE];
	uint64_t offset;
	uint32_t length;

	if (r->len != NDSIM_RANGE_SIZE || r->value >= 0 || r->value < -MAX_ERRNO)
		return -1;
	if (recv_all(sock, range, sizeof range) != 0)
		return -1;
	offset = get_le64(range);
	length = get_le32(range + 8);
	if (length == 0 || length > sizeof scratch)
		return -1;
	/* A range that wraps the address space fails access_ok(): EFAULT. */
	if ((uintptr_t)arg > UINTPTR_MAX - length || offset > UINTPTR_MAX - (uintptr_t)arg - length)
		return EFAULT;
	if (ndsim_copy_in(scratch, user_at(arg, (size_t)offset), length) != 0)
		return EFAULT;
	return -r->value;
}

int ndsim_wire_ioctl(int sock, uint32_t request, void *arg, int *err)
{
	/*
	 * The first round sends the _IOC_SIZE the request number encodes: for
	 * a fixed-size command that is everything the daemon needs, and a
	 * NEED round trip is saved. The kernel never reads more than the
	 * command needs, so if those bytes are not all readable the guess is
	 * dropped and the exchange starts from nothing, as the daemon then
	 * decides what is missing (and the caller gets EFAULT only where the
	 * kernel would).
	 */
	uint32_t sent = _IOC_SIZE(request) < GUESS_MAX ? _IOC_SIZE(request) : GUESS_MAX;
	int guessing = sent > 0;
	struct reply r;
	int round, e, desync;

	for (round = 0; round < MAX_ROUNDS; round++) {
		desync = 0;
		e = send_ioctl(sock, request, arg, sent, &desync);
		if (e == EFAULT && guessing && !desync) {
			guessing = 0;
			sent = 0;
			e = send_ioctl(sock, request, arg, sent, &desync);
		}
		guessing = 0;
		if (e != 0) {
			if (desync) /* half a request went out: nothing after it can be trusted */
				shutdown(sock, SHUT_RDWR);
			*err = e;
			return -1;
		}
		if (recv_reply(sock, &r) != 0)
			goto broken;
		if (r.kind == NDSIM_REPLY_UNLESS_FAULT) {
			e = recv_unless_fault(sock, &r, arg);
			if (e < 0)
				goto broken;
			*err = e;
			return -1;
		}
		if (r.kind == NDSIM_REPLY_NEED) {
			if (r.len != 0 || r.value <= 0 || (uint32_t)r.value <= sent || (uint32_t)r.value > NDSIM_MAX_PAYLOAD)
				goto broken;
			sent = (uint32_t)r.value;
			continue;
		}
		if (r.kind != NDSIM_REPLY_DONE)
			goto broken;
		if (r.value < 0) {
			if (r.len != 0 || r.value < -MAX_ERRNO)
				goto broken;
			*err = -r.value;
			return -1;
		}
		if (r.len > NDSIM_MAX_PAYLOAD)
			goto broken;
		e = recv_payload(sock, arg, r.len);
		if (e < 0)
			goto broken;
		if (e > 0) {
			*err = e;
			return -1;
		}
		return (int)r.value;
	}
broken:
	/* Whatever the daemon sends next would be read as the answer to something else. */
	shutdown(sock, SHUT_RDWR);
	*err = EIO;
	return -1;
}

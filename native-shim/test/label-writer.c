/*
 * label-writer: a client that writes a DIMM's label area with
 * ND_IOCTL_SET_CONFIG_DATA (include/uapi/linux/ndctl.h) on /dev/nmemN, as
 * ndctl write-labels does, and says on stdout which writes were
 * acknowledged. Run under the shim; test/e2e/persistence.test.ts kills the
 * daemon in the middle and checks that every acknowledged write survived.
 *
 *   label-writer DEV TAG CHUNK NCHUNKS COUNT
 *
 * Write i (0 <= i < COUNT) puts CHUNK bytes at offset (i % NCHUNKS) * CHUNK,
 * filled by fill() below from (TAG, i). Before each ioctl it prints
 * "sent I", after a success "ack I" (flushed at once); any failure prints
 * "fail I ..." and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ndctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_CHUNK 65536u

static unsigned char buf[sizeof(struct nd_cmd_set_config_hdr) + MAX_CHUNK + sizeof(uint32_t)];

/* The byte at position j of write i: the test computes the same. */
static unsigned char fill(unsigned long tag, unsigned long i, unsigned long j)
{
	return (unsigned char)((tag * 131u + i * 31u + j * 7u + (j >> 8)) & 0xffu);
}

static unsigned long arg(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0') {
		fprintf(stderr, "label-writer: bad %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct nd_cmd_set_config_hdr *hdr = (struct nd_cmd_set_config_hdr *)buf;
	unsigned long tag, chunk, nchunks, count, i, j;
	uint32_t status;
	int fd;

	if (argc != 6) {
		fprintf(stderr, "usage: label-writer DEV TAG CHUNK NCHUNKS COUNT\n");
		return 2;
	}
	tag = arg(argv[2], "tag");
	chunk = arg(argv[3], "chunk");
	nchunks = arg(argv[4], "nchunks");
	count = arg(argv[5], "count");
	if (chunk == 0 || chunk > MAX_CHUNK || nchunks == 0) {
		fprintf(stderr, "label-writer: chunk must be 1..%u, nchunks > 0\n", MAX_CHUNK);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "label-writer: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < count; i++) {
		hdr->in_offset = (uint32_t)((i % nchunks) * chunk);
		hdr->in_length = (uint32_t)chunk;
		for (j = 0; j < chunk; j++)
			hdr->in_buf[j] = fill(tag, i, j);
		status = 0xffffffffu;
		memcpy(hdr->in_buf + chunk, &status, sizeof(status));
		printf("sent %lu\n", i);
		fflush(stdout);
		if (ioctl(fd, ND_IOCTL_SET_CONFIG_DATA, buf) != 0) {
			printf("fail %lu errno %d\n", i, errno);
			return 1;
		}
		memcpy(&status, hdr->in_buf + chunk, sizeof(status));
		if (status != 0) {
			printf("fail %lu status %u\n", i, status);
			return 1;
		}
		printf("ack %lu\n", i);
		fflush(stdout);
	}
	close(fd);
	return 0;
}

/*
 * The ioctl round trip through the shim: ND_IOCTL_GET_CONFIG_SIZE on
 * /dev/nmemN, timed one by one. Run under LD_PRELOAD=libndsim.so with
 * NDSIM_ROOT/NDSIM_SOCKET set (npm run bench does).
 *
 *   ioctl-rtt DEVICE COUNT
 *
 * Prints "median_us P10 P50 P90 MAX" in microseconds on one line; exits 1
 * if any call fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* include/uapi/linux/ndctl.h: _IOWR('N', ND_CMD_GET_CONFIG_SIZE, struct nd_cmd_get_config_size) */
#define ND_IOCTL_GET_CONFIG_SIZE 0xc00c4e04u
#define MAX_COUNT 1000000

struct get_config_size {
	uint32_t status;
	uint32_t config_size;
	uint32_t max_xfer;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: ioctl-rtt DEVICE COUNT\n");
		return 2;
	}
	long count = strtol(argv[2], NULL, 10);
	if (count < 1 || count > MAX_COUNT) {
		fprintf(stderr, "ioctl-rtt: COUNT must be 1..%d\n", MAX_COUNT);
		return 2;
	}
	int fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "ioctl-rtt: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	double *t = calloc((size_t)count, sizeof(*t));
	if (!t) {
		fprintf(stderr, "ioctl-rtt: out of memory\n");
		return 1;
	}
	for (long i = 0; i < count; i++) {
		struct get_config_size c = { 0, 0, 0 };
		double t0 = now_us();
		if (ioctl(fd, ND_IOCTL_GET_CONFIG_SIZE, &c) != 0 || c.status != 0) {
			fprintf(stderr, "ioctl-rtt: call %ld: %s (status %u)\n", i, strerror(errno), c.status);
			return 1;
		}
		t[i] = now_us() - t0;
	}
	qsort(t, (size_t)count, sizeof(*t), cmp_double);
	printf("%.1f %.1f %.1f %.1f %.1f\n", t[count / 2], t[count / 10], t[count / 2], t[(count * 9) / 10], t[count - 1]);
	free(t);
	close(fd);
	return 0;
}

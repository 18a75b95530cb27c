/* Which absolute paths the shim sends elsewhere, decided lexically. */
#ifndef NDSIM_PATH_H
#define NDSIM_PATH_H

#include <limits.h>
#include <stddef.h>

/* What a path turns into. */
enum ndsim_route {
	NDSIM_PASS,     /* not ours: the caller's path goes to libc unchanged */
	NDSIM_REDIRECT, /* use target->path ($NDSIM_ROOT + normalised path) */
	NDSIM_NODE,     /* an emulated control node; target->path is its $NDSIM_ROOT/dev entry */
	NDSIM_HIDDEN,   /* under /lib/modules or /usr/lib/modules: ENOENT */
	NDSIM_TOOLONG,  /* ours, but $NDSIM_ROOT + path does not fit PATH_MAX: ENAMETOOLONG */
};

/* The longest node name sent in an OPEN request ("nmem0", "ndctl1", ...). */
#define NDSIM_NODE_NAME_MAX 32

struct ndsim_paths {
	char root[PATH_MAX]; /* NDSIM_ROOT, normalised, no trailing '/' ("" for "/") */
	size_t root_len;
	int sys;             /* NDSIM_SYS=1: /sys goes to $NDSIM_ROOT/sys too */
};

struct ndsim_target {
	char path[PATH_MAX];
	const char *node; /* NDSIM_NODE only: the name after "/dev/", inside path */
	size_t node_len;
};

/*
 * Lexical normalisation of an absolute path: collapse "//", drop ".", and
 * let ".." remove the previous component (never going above "/"). No
 * symlink is looked at. Returns 0, or -1 if the result would not fit
 * PATH_MAX. *dir_only is set when the path ends in "/", "/." or "/.."
 * (the kernel then requires a directory), so a rewrite can keep that.
 */
int ndsim_normalise(const char *in, char out[PATH_MAX], int *dir_only);

/* Classify `path` (any string, NULL allowed) and fill `t` for REDIRECT and NODE. */
enum ndsim_route ndsim_classify(const struct ndsim_paths *cfg, const char *path, struct ndsim_target *t);

/*
 * If `resolved` (a canonical path from the real realpath) lies inside the
 * prefix `root` (length `len`), return the part after it ("/" for the root
 * itself); otherwise NULL.
 */
const char *ndsim_strip_root(const char *resolved, const char *root, size_t len);

#endif

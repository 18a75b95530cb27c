/*
 * Path classification for the shim. Everything here is lexical: the
 * decision "is this ours" is made on the normalised string before any
 * file system is asked, so "/sys/../etc/passwd" is "/etc/passwd" (not
 * redirected) and no amount of ".." in a caller's path can reach above
 * $NDSIM_ROOT, because the rewritten path never contains "..".
 *
 * Callers get the normalised path, not their own spelling. That differs
 * from the kernel only when a ".." follows a symlink (the kernel walks the
 * link first); ndctl never relies on that for anything an NFIT bus needs.
 */
#include "path.h"

#include <string.h>

int ndsim_normalise(const char *in, char out[PATH_MAX], int *dir_only)
{
	size_t o = 1; /* out holds "/" or "/a/b" (never a trailing '/') */
	const char *p = in;

	out[0] = '/';
	*dir_only = 0;
	while (*p != '\0') {
		const char *start;
		size_t n;

		while (*p == '/')
			p++;
		if (*p == '\0') {
			*dir_only = 1; /* "…/" */
			break;
		}
		start = p;
		while (*p != '\0' && *p != '/')
			p++;
		n = (size_t)(p - start);
		if (n == 1 && start[0] == '.') {
			*dir_only = 1;
			continue;
		}
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			/* Back to the previous '/', but "/.." is "/" (path_resolution(7)). */
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			*dir_only = 1;
			continue;
		}
		/* separator (unless right after the root) + component + NUL */
		if (o + (o > 1 ? 1 : 0) + n + 1 > PATH_MAX)
			return -1;
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, start, n);
		o += n;
		*dir_only = 0;
	}
	out[o] = '\0';
	return 0;
}

/* `path` is `prefix` itself or lies below it. */
static int under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* An emulated node name under /dev (ndctlN, nmemN, pmemN[.M][s], daxN.M); returns its length or 0. */
static size_t node_name(const char *norm)
{
	static const char *const kinds[] = { "ndctl", "nmem", "pmem", "dax" };
	const char *name;
	size_t i, k;

	if (strncmp(norm, "/dev/", 5) != 0)
		return 0;
	name = norm + 5;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t klen = strlen(kinds[k]);
		size_t digits;

		if (strncmp(name, kinds[k], klen) != 0)
			continue;
		for (i = klen; name[i] >= '0' && name[i] <= '9'; i++)
			;
		if (i == klen)
			continue;
		/*
		 * A pmem disk: pmem<region>[.<nsid>][s] (nd_pmem,
		 * nvdimm_namespace_disk_name); a device-dax: dax<region>.<id>.
		 */
		if (strcmp(kinds[k], "dax") == 0 && name[i] != '.')
			continue;
		if (strcmp(kinds[k], "pmem") == 0 || strcmp(kinds[k], "dax") == 0) {
			if (name[i] == '.') {
				for (digits = ++i; name[i] >= '0' && name[i] <= '9'; i++)
					;
				if (i == digits)
					continue;
			}
			if (name[i] == 's' && kinds[k][0] == 'p')
				i++;
		}
		if (name[i] == '\0' && i <= NDSIM_NODE_NAME_MAX)
			return i;
	}
	return 0;
}

/* t->path = root + norm (+ "/" when the caller asked for a directory). */
static enum ndsim_route rewrite(const struct ndsim_paths *cfg, const char *norm, int dir_only, struct ndsim_target *t)
{
	size_t n = strlen(norm);
	size_t slash = dir_only && n > 1 ? 1 : 0;

	if (cfg->root_len + n + slash + 1 > PATH_MAX)
		return NDSIM_TOOLONG;
	memcpy(t->path, cfg->root, cfg->root_len);
	memcpy(t->path + cfg->root_len, norm, n);
	if (slash)
		t->path[cfg->root_len + n] = '/';
	t->path[cfg->root_len + n + slash] = '\0';
	return NDSIM_REDIRECT;
}

enum ndsim_route ndsim_classify(const struct ndsim_paths *cfg, const char *path, struct ndsim_target *t)
{
	char norm[PATH_MAX];
	int dir_only;
	size_t name_len;
	enum ndsim_route r;

	t->node = NULL;
	t->node_len = 0;
	/* Relative paths (and *at calls relative to a real dirfd) are never ours. */
	if (path == NULL || path[0] != '/')
		return NDSIM_PASS;
	/* Too long to normalise: the kernel will answer ENAMETOOLONG itself. */
	if (ndsim_normalise(path, norm, &dir_only) != 0)
		return NDSIM_PASS;

	/*
	 * libkmod (inside libndctl) reads /lib/modules/$(uname -r)/modules.* to
	 * map a modalias to a module and would then insert the host's real nd
	 * modules; with the tree hidden every lookup fails quietly.
	 */
	if (under(norm, "/lib/modules") || under(norm, "/usr/lib/modules"))
		return NDSIM_HIDDEN;
	/*
	 * ... but libkmod's configuration aliases still map each nd modalias to
	 * its module (as modules.alias would on a real machine): the daemon
	 * serves them in $NDSIM_ROOT/run/modprobe.d, in place of the host's.
	 */
	if (under(norm, "/run/modprobe.d"))
		return rewrite(cfg, norm, dir_only, t);

	name_len = node_name(norm);
	if (name_len != 0) {
		r = rewrite(cfg, norm, dir_only, t);
		/* "/dev/nmem0/" is not the node: the file system answers ENOTDIR. */
		if (r == NDSIM_REDIRECT && !dir_only) {
			t->node = t->path + cfg->root_len + 5;
			t->node_len = name_len;
			return NDSIM_NODE;
		}
		return r;
	}
	if (cfg->sys && under(norm, "/sys"))
		return rewrite(cfg, norm, dir_only, t);
	return NDSIM_PASS;
}

const char *ndsim_strip_root(const char *resolved, const char *root, size_t len)
{
	if (len == 0) /* NDSIM_ROOT=/ : nothing to strip */
		return resolved;
	if (strncmp(resolved, root, len) != 0)
		return NULL;
	if (resolved[len] == '\0')
		return "/";
	if (resolved[len] == '/')
		return resolved + len;
	return NULL;
}

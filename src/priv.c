/* priv.c - privileges (see priv.h). */
#include "priv.h"

#include <errno.h>
#include <fcntl.h>

/* FIXME(issue 8): not yet with the user's rights under sudo. */
int priv_open(const char *path, int flags, mode_t mode)
{
	int fd = open(path, flags | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}

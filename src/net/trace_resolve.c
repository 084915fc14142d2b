/* trace_resolve.c - PROGRAM as typed to a file sockstep can trace (see
 * trace.h): found, executable, and an ELF of this machine's kind or a
 * #! script (the kernel runs its interpreter, which is checked at exec). */
#include "trace.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "text.h" /* tesc */

#if defined(__x86_64__)
#define NATIVE_MACHINE EM_X86_64
#define NATIVE_NAME "x86_64"
#elif defined(__aarch64__)
#define NATIVE_MACHINE EM_AARCH64
#define NATIVE_NAME "aarch64"
#endif

/* The machine of an ELF header, by name, for the refusal. */
static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_386: return "i386";
	case EM_X86_64: return "x86_64";
	case EM_ARM: return "32-bit ARM";
	case EM_AARCH64: return "aarch64";
	case EM_RISCV: return "RISC-V";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390";
	default: return "another machine";
	}
}

/* The first bytes of path: an ELF of ours, a #! script, or one line why not. */
static int check_kind(const char *path, char *err, size_t errlen)
{
	unsigned char h[20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* Execute-only (mode 711): the kernel will know; nothing to read. */
		return errno == EACCES ? 0 : -errno;
	}
	ssize_t n = read(fd, h, sizeof(h));
	close(fd);
	if (n >= 2 && h[0] == '#' && h[1] == '!')
		return 0;
	if (n < (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG)) {
		snprintf(err, errlen, "%s is not a program: expected an ELF executable or a script starting with #!",
			 tesc(path));
		return -ENOEXEC;
	}
	unsigned machine = h[EI_DATA] == ELFDATA2MSB ? (unsigned)(h[18] << 8 | h[19]) : (unsigned)(h[19] << 8 | h[18]);
	if (h[EI_CLASS] != ELFCLASS64 || machine != NATIVE_MACHINE) {
		bool bits32 = h[EI_CLASS] == ELFCLASS32 && (machine == EM_386 || machine == EM_X86_64 || machine == NATIVE_MACHINE);
		if (bits32)
			snprintf(err, errlen, "%s is a 32-bit program: sockstep traces " NATIVE_NAME " programs only "
				 "(socketcall is not traced); compile it without -m32", tesc(path));
		else
			snprintf(err, errlen, "%s is a program for %s%s: sockstep traces " NATIVE_NAME " programs only",
				 tesc(path), machine_name(machine), h[EI_CLASS] == ELFCLASS32 ? " (32-bit)" : "");
		return -ENOEXEC;
	}
	return 0;
}

/* path as found: a directory, not executable, or of the wrong kind refused. */
static int check_file(const char *shown, const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s: expected a program file", tesc(shown), e == ENOENT ? "no such file" : strerror(e));
		return -e;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is a directory: expected a program file", tesc(shown));
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
		snprintf(err, errlen, "%s is not executable: expected a program file you may run (chmod +x %s)",
			 tesc(shown), tesc(shown));
		return -EACCES;
	}
	int r = check_kind(path, err, errlen);
	if (r < 0 && r != -ENOEXEC)
		snprintf(err, errlen, "%s: cannot read it: %s", tesc(shown), strerror(-r));
	return r;
}

/* dir/name into out when it is a file (not a directory): true. */
static bool try_dir(const char *dir, size_t dirlen, const char *name, char *out, size_t outlen)
{
	struct stat st;
	if (dirlen == 0) /* an empty PATH entry is the current folder */
		return false;
	if (snprintf(out, outlen, "%.*s/%s", (int)dirlen, dir, name) >= (int)outlen)
		return false;
	return stat(out, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* A bare name: PATH, then the examples beside sockstep's binary, then the
 * installed examples. */
static bool search(const char *name, char *out, size_t outlen)
{
	const char *p = getenv("PATH");
	if (!p)
		p = "/usr/local/bin:/usr/bin:/bin";
	while (*p) {
		size_t n = strcspn(p, ":");
		if (try_dir(p, n, name, out, outlen))
			return true;
		p += n + (p[n] == ':');
	}
	char self[4096];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sl > 0) {
		self[sl] = '\0';
		char *dir = dirname(self);
		char ex[4200];
		snprintf(ex, sizeof(ex), "%s/examples", dir);
		if (try_dir(ex, strlen(ex), name, out, outlen))
			return true;
	}
	return try_dir(SOCKSTEP_EXAMPLEDIR, strlen(SOCKSTEP_EXAMPLEDIR), name, out, outlen);
}

int trace_resolve(const char *typed, char *path, size_t pathlen, char *err, size_t errlen)
{
	if (!typed || !*typed) {
		snprintf(err, errlen, "expected a program to run: a path, or a name found in PATH or sockstep's examples");
		return -EINVAL;
	}
	if (strchr(typed, '/')) {
		if (snprintf(path, pathlen, "%s", typed) >= (int)pathlen) {
			snprintf(err, errlen, "the program's path is too long");
			return -ENAMETOOLONG;
		}
		return check_file(typed, path, err, errlen);
	}
	if (!search(typed, path, pathlen)) {
		snprintf(err, errlen, "%s: not found in PATH nor among sockstep's examples (%s): expected a program "
			 "name, or a path such as ./%s", tesc(typed), SOCKSTEP_EXAMPLEDIR, tesc(typed));
		return -ENOENT;
	}
	return check_file(typed, path, err, errlen);
}

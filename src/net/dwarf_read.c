/* dwarf_read.c - main's struct sockaddr_in variables and the line table,
 * from a program's DWARF (see dwarf_read.h). */
#include "dwarf_read.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv.h"

/* Through typedefs and qualifiers to the type itself: is it struct sockaddr_in? */
static bool is_sockaddr_in(Dwarf_Die *var)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	Dwarf_Die *d = var;
	for (int depth = 0; depth < 8; depth++) {
		if (!dwarf_attr_integrate(d, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			return false;
		int tag = dwarf_tag(&t);
		if (tag == DW_TAG_structure_type) {
			const char *n = dwarf_diename(&t);
			return n && strcmp(n, "sockaddr_in") == 0;
		}
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type)
			return false;
		d = &t;
	}
	return false;
}

/* A variable whose location is one DW_OP_fbreg or DW_OP_addr; others (in
 * registers, optimised out, location lists) are not watched. */
static void add_var(struct tdw_prog *p, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;
	if (p->nvars >= TDW_MAX_VARS || !is_sockaddr_in(die) || !dwarf_attr(die, DW_AT_location, &a) ||
	    dwarf_getlocation(&a, &ops, &n) != 0 || n != 1)
		return;
	struct tdw_var *v = &p->vars[p->nvars];
	memset(v, 0, sizeof(*v));
	if (ops[0].atom == DW_OP_fbreg) {
		v->off = (int64_t)ops[0].number;
	} else if (ops[0].atom == DW_OP_addr) {
		v->global = true;
		v->addr = ops[0].number;
	} else {
		return;
	}
	const char *name = dwarf_diename(die);
	/* An identifier (the answer's word): anything else is not C's. */
	if (!name || !*name || strlen(name) >= sizeof(v->name) ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(name))
		return;
	snprintf(v->name, sizeof(v->name), "%s", name);
	p->nvars++;
}

/* main's variables, in its nested blocks too. */
static void scan_locals(struct tdw_prog *p, Dwarf_Die *scope, int depth)
{
	Dwarf_Die c;
	if (depth > 16 || dwarf_child(scope, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);
		if (tag == DW_TAG_variable)
			add_var(p, &c);
		else if (tag == DW_TAG_lexical_block)
			scan_locals(p, &c, depth + 1);
	} while (dwarf_siblingof(&c, &c) == 0);
}

static int frame_base(Dwarf_Die *fn, enum tdw_fb *fb)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;
	if (!dwarf_attr(fn, DW_AT_frame_base, &a) || dwarf_getlocation(&a, &ops, &n) != 0 || n != 1)
		return -ENOTSUP;
	if (ops[0].atom == DW_OP_call_frame_cfa)
		*fb = TDW_FB_CFA;
	else if (ops[0].atom == DW_OP_reg6 || (ops[0].atom == DW_OP_breg6 && ops[0].number == 0))
		*fb = TDW_FB_RBP;
	else
		return -ENOTSUP;
	return 0;
}

/* Each compilation unit: main (its locals), and the globals. */
static int scan(struct tdw_prog *p, Dwarf *dw)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	bool have_main = false;
	int rc = 0;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, c;
		if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &c) == 0) {
			do {
				const char *n = dwarf_diename(&c);
				Dwarf_Addr lo, hi;
				if (dwarf_tag(&c) == DW_TAG_subprogram && !have_main && n && strcmp(n, "main") == 0 &&
				    dwarf_lowpc(&c, &lo) == 0 && dwarf_highpc(&c, &hi) == 0) {
					have_main = true;
					p->main_lo = lo;
					p->main_hi = hi;
					rc = frame_base(&c, &p->fb);
					scan_locals(p, &c, 0);
				}
			} while (dwarf_siblingof(&c, &c) == 0);
		}
		off = next;
	}
	/* Globals after main's locals (a second pass keeps that order). */
	off = 0;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, c;
		if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &c) == 0)
			do {
				if (dwarf_tag(&c) == DW_TAG_variable)
					add_var(p, &c);
			} while (dwarf_siblingof(&c, &c) == 0);
		off = next;
	}
	return have_main ? rc : -ENOENT;
}

static int load_info(struct tdw_prog *p, Elf *elf)
{
	GElf_Ehdr eh;
	size_t nph;
	if (!gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &nph) != 0)
		return -ENOEXEC;
	p->pie = eh.e_type == ET_DYN;
	p->first_load = UINT64_MAX;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD && ph.p_vaddr < p->first_load)
			p->first_load = ph.p_vaddr & ~(uint64_t)0xfff;
	}
	return p->first_load == UINT64_MAX ? -ENOEXEC : 0;
}

/* The source file and line of the file address pc, as libdw gives them. */
static int dw_line(Dwarf *dw, uint64_t pc, char *file, size_t filelen, int *line)
{
	Dwarf_Die cu;
	if (!dwarf_addrdie(dw, pc, &cu)) {
		/* No .debug_aranges (clang emits none): each unit asked. */
		Dwarf_Off off = 0, next;
		size_t hsize;
		bool found = false;
		while (!found && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
			found = dwarf_offdie(dw, off + hsize, &cu) && dwarf_haspc(&cu, pc) == 1;
			off = next;
		}
		if (!found)
			return -ENOENT;
	}
	Dwarf_Line *l = dwarf_getsrc_die(&cu, pc);
	const char *src = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
	if (!src || dwarf_lineno(l, line) != 0)
		return -ENOENT;
	/* A relative name is the compiler's, from the folder it ran in. */
	Dwarf_Attribute a;
	const char *dir = src[0] == '/' ? NULL : dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &a));
	int n = dir ? snprintf(file, filelen, "%s/%s", dir, src) : snprintf(file, filelen, "%s", src);
	return n < 0 || (size_t)n >= filelen ? -ENAMETOOLONG : 0;
}

static int cmp_pc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* One row per address where main's line table starts a row, each with
 * dw_line's answer there (so that the table answers as libdw would). */
static void read_rows(struct tdw_prog *p, Dwarf *dw)
{
	Dwarf_Die cu;
	Dwarf_Lines *lines;
	size_t n;
	if (!dwarf_addrdie(dw, p->main_lo, &cu)) {
		Dwarf_Off off = 0, next;
		size_t hsize;
		bool found = false;
		while (!found && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
			found = dwarf_offdie(dw, off + hsize, &cu) && dwarf_haspc(&cu, p->main_lo) == 1;
			off = next;
		}
		if (!found)
			return;
	}
	if (dwarf_getsrclines(&cu, &lines, &n) != 0)
		return;
	uint64_t *pcs = calloc(n + 1, sizeof(*pcs));
	if (!pcs)
		return;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Addr a;
		if (dwarf_lineaddr(dwarf_onesrcline(lines, i), &a) == 0 && a >= p->main_lo && a < p->main_hi)
			pcs[m++] = a;
	}
	qsort(pcs, m, sizeof(*pcs), cmp_pc);
	char file[TDW_PATH_MAX];
	for (size_t i = 0; i < m && p->nrows < TDW_MAX_ROWS; i++) {
		int line, f;
		if ((i > 0 && pcs[i] == pcs[i - 1]) || dw_line(dw, pcs[i], file, sizeof(file), &line) < 0)
			continue;
		for (f = 0; f < p->nfiles && strcmp(p->files[f], file) != 0; f++)
			;
		if (f == p->nfiles) {
			if (f == TDW_MAX_FILES)
				continue;
			snprintf(p->files[p->nfiles++], TDW_PATH_MAX, "%s", file);
		}
		struct tdw_row *r = &p->rows[p->nrows++];
		r->pc = pcs[i];
		r->line = line;
		r->file = f;
		if (tdw_source_line(file, line, r->text, sizeof(r->text)) < 0)
			r->text[0] = '\0';
	}
	free(pcs);
}

int tdw_read(const char *path, struct tdw_prog *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	int fd = priv_open(path, O_RDONLY, 0); /* as the user */
	if (fd < 0) {
		snprintf(err, errlen, "cannot read %s for its debug information: %s", path, strerror(-fd));
		return fd;
	}
	Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
	if (!dw) {
		close(fd);
		snprintf(err, errlen, "no debug information: build with -g to see the sockaddr's bytes statement by "
			 "statement");
		return -ENODATA;
	}
	int rc = load_info(p, dwarf_getelf(dw));
	if (rc == 0)
		rc = scan(p, dw);
	if (rc == 0 && p->nvars == 0)
		rc = -ENOENT;
	if (rc == 0)
		read_rows(p, dw);
	if (rc < 0) {
		if (rc == -ENOEXEC)
			snprintf(err, errlen, "%s: not an ELF program with program headers", path);
		else if (rc == -ENOTSUP)
			snprintf(err, errlen, "main()'s frame base is of a kind not read here: build with -O0 to see "
				 "the sockaddr's bytes statement by statement");
		else
			snprintf(err, errlen, "no struct sockaddr_in in main() or among the globals (or kept in "
				 "registers: build with -O0): no bytes to show statement by statement");
	}
	dwarf_end(dw);
	close(fd);
	return rc;
}

int tdw_source_line(const char *file, int line, char *out, size_t outlen)
{
	int fd = priv_open(file, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0)
		return fd;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	char buf[512];
	int n = 0, rc = -ENOENT;
	bool whole = true; /* buf starts a line */
	while (line > 0 && line <= 1000000 && fgets(buf, sizeof(buf), f)) {
		bool starts = whole;
		whole = strchr(buf, '\n') != NULL;
		if (starts && ++n == line) {
			char *s = buf;
			while (*s == ' ' || *s == '\t')
				s++;
			size_t len = strcspn(s, "\r\n");
			while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			snprintf(out, outlen, "%.*s", (int)len, s);
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

/* decode_text.c - the decoder's bounded text: numbers, addresses, the hex
 * dump (see decode_int.h). No snprintf on the per-frame path; nothing is
 * written past a builder's capacity. */
#include "decode_int.h"

const char dec_hexdig[16] = "0123456789abcdef";

/* "00" to "99": two digits per division (sb_u was the top symbol of --read). */
static const char dig2[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
			      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
			      "8081828384858687888990919293949596979899";

void sb_u(struct sb *s, unsigned long v)
{
	char t[24];
	size_t i = sizeof t;
	while (v >= 100) {
		unsigned long q = v / 100;
		i -= 2;
		memcpy(t + i, dig2 + 2 * (v - q * 100), 2);
		v = q;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(t + i, dig2 + 2 * v, 2);
	} else {
		t[--i] = (char)('0' + v);
	}
	sb_mem(s, t + i, sizeof t - i);
}

void sb_hex(struct sb *s, unsigned long v, unsigned width)
{
	char t[20];
	size_t i = sizeof t;
	do {
		t[--i] = dec_hexdig[v & 15];
		v >>= 4;
	} while (v || sizeof t - i < width);
	sb_mem(s, t + i, sizeof t - i);
}

/* An octet in decimal at p; returns the end. */
static char *put_octet(char *p, unsigned v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		v %= 100;
		memcpy(p, dig2 + 2 * v, 2);
		return p + 2;
	}
	if (v >= 10) {
		memcpy(p, dig2 + 2 * v, 2);
		return p + 2;
	}
	*p++ = (char)('0' + v);
	return p;
}

/* Built whole, then appended once (per octet appends showed in perf). */
void sb_ip4(struct sb *s, const uint8_t a[4])
{
	char t[16], *p = t;
	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_octet(p, a[i]);
	}
	sb_mem(s, t, (size_t)(p - t));
}

/* RFC 5952 text: lower case, no leading zeros, longest run (>= 2) of zero
 * groups as "::" (first on a tie), ::ffff:a.b.c.d for IPv4-mapped. */
void sb_ip6(struct sb *out, const uint8_t a[16])
{
	char t[48]; /* the longest, ffff:...:ffff, is 39 */
	struct sb local = { t, sizeof t, 0 }, *s = &local;
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (memcmp(a, mapped, 12) == 0) {
		sb_str(out, "::ffff:");
		sb_ip4(out, a + 12);
		return;
	}
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	int best = -1, bestlen = 1;
	for (int i = 0; i < 8;) {
		if (g[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && !g[j])
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			sb_str(s, "::");
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			sb_ch(s, ':');
		sb_hex(s, g[i], 1);
	}
	sb_mem(out, t, local.len);
}

void sb_mac(struct sb *s, const uint8_t m[6])
{
	for (int i = 0; i < 6; i++) {
		if (i)
			sb_ch(s, ':');
		sb_ch(s, dec_hexdig[m[i] >> 4]);
		sb_ch(s, dec_hexdig[m[i] & 15]);
	}
}

size_t dec_hex(const uint8_t *p, size_t len, char *buf, size_t buflen)
{
	return dec_hex_hidden(p, len, NULL, buf, buflen);
}

size_t dec_hex_hidden(const uint8_t *p, size_t len, const uint8_t *hide, char *buf, size_t buflen)
{
	struct sb s = { buf, buf ? buflen : 0, 0 };
	if (!p)
		len = 0;
	for (size_t off = 0; off < len; off += 16) {
		if (off)
			sb_ch(&s, '\n');
		sb_hex(&s, off, 4);
		sb_str(&s, "  ");
		size_t n = len - off < 16 ? len - off : 16;
		for (size_t i = 0; i < 16; i++) {
			if (i < n && hide && hide[off + i]) {
				sb_str(&s, "??");
			} else if (i < n) {
				sb_ch(&s, dec_hexdig[p[off + i] >> 4]);
				sb_ch(&s, dec_hexdig[p[off + i] & 15]);
			} else {
				sb_str(&s, "  ");
			}
			if (i < 15)
				sb_ch(&s, ' ');
		}
		sb_str(&s, "  ");
		for (size_t i = 0; i < n; i++) {
			uint8_t c = p[off + i];
			sb_ch(&s, hide && hide[off + i] ? '?' : c >= 0x20 && c < 0x7f ? (char)c : '.');
		}
		if (s.cap && s.len + 1 >= s.cap)
			break; /* full: stop early */
	}
	sb_end(&s);
	return s.len;
}

// SPDX-License-Identifier: Apache-2.0
/*
 * User and group names for user.name, user.loginname, user.homedir, user.shell and
 * group.name: /etc/passwd and /etc/group read once when a ruleset loads, kept sorted by id
 * and looked up by binary search. Never a syscall per event; users added later appear after
 * the next reload. Not NSS: LDAP or sssd users show as absent.
 */
#include "rules/rules_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/xalloc.h"

struct uent {
	uint32_t id;
	char *name, *home, *shell;
};

struct ward_rusers {
	struct uent *users, *groups;
	size_t users_cnt, groups_cnt;
};

static char *read_small(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > WARD_RULES_PASSWD_MAX)
		goto out;
	buf = ward_xmalloc((size_t)st.st_size + 1);
	/* a read error keeps what came before it */
	(void)ward_read_full(fd, buf, (size_t)st.st_size, &got);
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	return buf;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct uent *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* name:x:id:...; passwd has home in field 6 and shell in field 7. */
static void parse(char *buf, size_t len, bool is_passwd, struct uent **out, size_t *cnt)
{
	char *p = buf, *end = buf + len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *f[7] = { 0 };
		size_t nf = 0;
		char *q = p, *e;
		unsigned long id;

		if (!nl)
			nl = end;
		*nl = '\0';
		while (nf < 7) {
			f[nf++] = q;
			q = strchr(q, ':');
			if (!q)
				break;
			*q++ = '\0';
		}
		if (nf >= 3 && f[0][0] && f[0][0] != '#' && f[0][0] != '+' && f[0][0] != '-') {
			errno = 0;
			id = strtoul(f[2], &e, 10);
			if (!errno && e != f[2] && !*e && id <= UINT32_MAX) {
				*out = ward_xreallocarray(*out, *cnt + 1, sizeof(**out));
				(*out)[*cnt] = (struct uent){ (uint32_t)id, ward_xstrdup(f[0]),
					is_passwd && nf >= 6 ? ward_xstrdup(f[5]) : NULL,
					is_passwd && nf >= 7 ? ward_xstrdup(f[6]) : NULL };
				(*cnt)++;
			}
		}
		p = nl + 1;
	}
	qsort(*out, *cnt, sizeof(**out), cmp_ent);
}

int ward_rusers_load(const char *passwd, const char *group, struct ward_rusers **out)
{
	struct ward_rusers *u = ward_xcalloc(1, sizeof(*u));
	size_t len = 0;
	char *buf;

	buf = read_small(passwd ? passwd : "/etc/passwd", &len);
	if (buf)
		parse(buf, len, true, &u->users, &u->users_cnt);
	free(buf);
	len = 0;
	buf = read_small(group ? group : "/etc/group", &len);
	if (buf)
		parse(buf, len, false, &u->groups, &u->groups_cnt);
	free(buf);
	*out = u;
	return 0;
}

static void ents_free(struct uent *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].home);
		free(e[i].shell);
	}
	free(e);
}

void ward_rusers_free(struct ward_rusers *u)
{
	if (!u)
		return;
	ents_free(u->users, u->users_cnt);
	ents_free(u->groups, u->groups_cnt);
	free(u);
}

static const struct uent *find(const struct uent *e, size_t n, uint32_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].id == id)
			return &e[mid];
		if (e[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *ward_rusers_name(const struct ward_rusers *u, uint32_t uid)
{
	const struct uent *e = u ? find(u->users, u->users_cnt, uid) : NULL;

	return e ? e->name : NULL;
}

const char *ward_rusers_home(const struct ward_rusers *u, uint32_t uid)
{
	const struct uent *e = u ? find(u->users, u->users_cnt, uid) : NULL;

	return e ? e->home : NULL;
}

const char *ward_rusers_shell(const struct ward_rusers *u, uint32_t uid)
{
	const struct uent *e = u ? find(u->users, u->users_cnt, uid) : NULL;

	return e ? e->shell : NULL;
}

const char *ward_rusers_group(const struct ward_rusers *u, uint32_t gid)
{
	const struct uent *e = u ? find(u->groups, u->groups_cnt, gid) : NULL;

	return e ? e->name : NULL;
}

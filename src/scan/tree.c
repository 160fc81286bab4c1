// SPDX-License-Identifier: Apache-2.0
/*
 * The final filesystem of a layered image, rebuilt from the entry records (walk.c) the way a
 * runtime's overlay snapshotter sees them (docker's overlay2, containerd's; checked against
 * docker by test_scan_differential.sh): layers in manifest order, entries in archive order;
 * each layer unpacked as into a directory of its own, so a parent a lower layer made a file
 * or symlink becomes this layer's directory, while this layer's own symlinks are followed
 * inside the root (an absolute or ".." target stays inside, as in a chroot, and missing
 * directories are created); an entry replaces whatever had its name unless both are
 * directories; a whiteout deletes a name of a lower layer at the layer's end (a directory
 * the same layer makes there after it merges with the lower one), an opaque marker everything its
 * directory held from lower layers; a hard link becomes a second name of its target's
 * content, so that content outlives a later whiteout of the target. Only names and
 * metadata are kept, never content. It does not read archives or decide what to report.
 */
#include "scan/walk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/limits.h"
#include "common/xalloc.h"

#define ROOT 0u   /* node 0 is the root; as a link (child, next, ...) 0 means none */

struct node {
	const char *name;        /* into c->names, not NUL-terminated here */
	uint32_t name_len;
	uint32_t parent, child, next, prev, hnext;
	uint32_t rec;            /* files: the record of the content; else the entry's record */
	int pos;                 /* layer position that made or last set it */
	int opq_pos;             /* layer position whose opaque marker pruned it */
	int wh_pos;              /* layer position whose whiteout removes it at the layer's end */
	uint8_t kind;
	bool live;
};

struct tree {
	struct ward_scan_ctx *c;
	struct node *n;
	size_t cnt, cap;
	uint32_t *bucket;
	size_t nbucket;          /* power of two */
	int pos;
	unsigned follows, steps; /* budgets of the resolution under way */
	uint32_t *stack;
	size_t stack_cap;
	uint32_t *wh;            /* nodes whited out by the layer under way */
	size_t wh_cnt, wh_cap;
};

static size_t slot(const struct tree *t, uint32_t parent, const char *name, size_t len)
{
	return ward_hash64_mix(parent, ward_hash64(name, len)) & (t->nbucket - 1);
}

static uint32_t lookup(const struct tree *t, uint32_t dir, const char *name, size_t len)
{
	for (uint32_t i = t->bucket[slot(t, dir, name, len)]; i; i = t->n[i].hnext) {
		const struct node *x = &t->n[i];

		if (x->parent == dir && x->name_len == len && !memcmp(x->name, name, len))
			return i;
	}
	return 0;
}

static void rehash(struct tree *t, size_t nbucket)
{
	free(t->bucket);
	t->nbucket = nbucket;
	t->bucket = ward_xcalloc(nbucket, sizeof(*t->bucket));
	for (uint32_t i = 1; i < t->cnt; i++) {
		struct node *x = &t->n[i];
		size_t s;

		if (!x->live)
			continue;
		s = slot(t, x->parent, x->name, x->name_len);
		x->hnext = t->bucket[s];
		t->bucket[s] = i;
	}
}

static int add(struct tree *t, uint32_t dir, const char *name, size_t len, uint8_t kind,
	       uint32_t rec)
{
	struct node *x;
	uint32_t i;
	size_t s;

	if (t->cnt >= WARD_SCAN_MAX_NODES)
		return -WARD_E_LIMIT;
	if (t->cnt == t->cap) {
		t->cap *= 2;
		t->n = ward_xreallocarray(t->n, t->cap, sizeof(*t->n));
	}
	if (t->cnt > 2 * t->nbucket)
		rehash(t, t->nbucket * 4);
	i = (uint32_t)t->cnt++;
	x = &t->n[i];
	*x = (struct node){ .name = name, .name_len = (uint32_t)len, .parent = dir,
			    .next = t->n[dir].child, .rec = rec, .pos = t->pos, .opq_pos = -1,
			    .wh_pos = -1, .kind = kind, .live = true };
	if (x->next)
		t->n[x->next].prev = i;
	t->n[dir].child = i;
	s = slot(t, dir, name, len);
	x->hnext = t->bucket[s];
	t->bucket[s] = i;
	return (int)i;
}

static void unhash(struct tree *t, uint32_t i)
{
	const struct node *x = &t->n[i];
	uint32_t *p = &t->bucket[slot(t, x->parent, x->name, x->name_len)];

	while (*p && *p != i)
		p = &t->n[*p].hnext;
	if (*p)
		*p = x->hnext;
}

/* Removes node i and everything under it (rm -rf). */
static void kill(struct tree *t, uint32_t i)
{
	struct node *x = &t->n[i];
	size_t top = 0;

	if (x->prev)
		t->n[x->prev].next = x->next;
	else
		t->n[x->parent].child = x->next;
	if (x->next)
		t->n[x->next].prev = x->prev;
	t->stack[top++] = i;
	while (top) {
		uint32_t j = t->stack[--top];

		unhash(t, j);
		t->n[j].live = false;
		for (uint32_t k = t->n[j].child; k; k = t->n[k].next) {
			if (top == t->stack_cap) {
				t->stack_cap *= 2;
				t->stack = ward_xreallocarray(t->stack, t->stack_cap, sizeof(*t->stack));
			}
			t->stack[top++] = k;
		}
	}
}

/*
 * Walks s (len bytes) from directory dir as a directory path, following symlinks inside the
 * root and creating missing directories, as extracting an entry below it does. With upper
 * set it walks as an overlay runtime unpacks the layer: into a directory of its own where
 * lower names do not exist, so a component that a lower layer made a file or a symlink
 * becomes a new directory of this layer (hiding the lower one), and a lower directory
 * takes the new one's attributes (overlayfs shows the upper directory's). Without upper
 * (a hard link's target) nothing is changed but missing directories. Returns the
 * directory's node, or -ENOTDIR (a component is a file), -ELOOP, -WARD_E_LIMIT.
 */
static int walk_dir(struct tree *t, uint32_t dir, const char *s, size_t len, bool upper)
{
	const char *p = s, *end = s + len;

	if (len && *s == '/')
		dir = ROOT;
	while (p < end) {
		const char *e = memchr(p, '/', (size_t)(end - p));
		size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
		uint32_t x;

		if (n == 0 || (n == 1 && *p == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			dir = t->n[dir].parent; /* the root's parent is the root */
		} else {
			if (++t->steps > WARD_SCAN_MAX_RESOLVE)
				return -WARD_E_LIMIT;
			x = lookup(t, dir, p, n);
			if (x && !upper && t->n[x].wh_pos == t->pos)
				return -ENOENT;
			if (x && upper && t->n[x].pos != t->pos) {
				/* a whiteout of this layer is a device node there */
				if (t->n[x].kind != WARD_SCAN_R_DIR || t->n[x].wh_pos == t->pos) {
					kill(t, x);
					x = 0;
				} else {
					t->n[x].rec = WARD_SCAN_NO_REC; /* made by this layer: 0755 */
					t->n[x].pos = t->pos;
				}
			}
			if (!x) {
				int a = add(t, dir, p, n, WARD_SCAN_R_DIR, WARD_SCAN_NO_REC);

				if (a < 0)
					return a;
				x = (uint32_t)a;
			}
			if (t->n[x].kind == WARD_SCAN_R_SYMLINK) {
				const struct ward_scan_rec *r = &t->c->recs[t->n[x].rec];
				const char *tg = t->c->names + r->link;
				int d;

				if (++t->follows > WARD_SCAN_MAX_SYMLINKS)
					return -ELOOP;
				d = walk_dir(t, t->n[x].parent, tg, strlen(tg), upper);
				if (d < 0)
					return d;
				x = (uint32_t)d;
			} else if (t->n[x].kind != WARD_SCAN_R_DIR) {
				return -ENOTDIR;
			}
			dir = x;
		}
		p += n + 1;
	}
	return (int)dir;
}

/* Splits a normalized entry path into its directory (resolved) and last component. */
static int locate(struct tree *t, const char *path, const char **last, size_t *last_len,
		  bool upper)
{
	const char *sl = strrchr(path, '/');

	t->follows = t->steps = 0;
	*last = sl ? sl + 1 : path;
	*last_len = strlen(*last);
	return sl ? walk_dir(t, ROOT, path, (size_t)(sl - path), upper) : (int)ROOT;
}

/* Opaque directory: drops what lower layers put below x; true when something of this
 * layer remains under (or is) x. */
static bool prune(struct tree *t, uint32_t x)
{
	bool keep = t->n[x].pos == t->pos;

	if (t->n[x].kind == WARD_SCAN_R_DIR) {
		uint32_t k = t->n[x].child;

		while (k) {
			uint32_t next = t->n[k].next;

			keep |= prune(t, k);
			k = next;
		}
	}
	if (!keep)
		kill(t, x);
	return keep;
}

/* Hides what lower layers put below directory dir (an opaque marker). */
static void hide_lower(struct tree *t, uint32_t dir)
{
	if (t->n[dir].opq_pos == t->pos)
		return; /* pruned already: what is left is this layer's */
	t->n[dir].opq_pos = t->pos;
	for (uint32_t k = t->n[dir].child, next; k; k = next) {
		next = t->n[k].next;
		prune(t, k);
	}
}

/* Applies the layer's whiteouts that no later entry of the layer took back. */
static void end_layer(struct tree *t)
{
	for (size_t i = 0; i < t->wh_cnt; i++) {
		uint32_t x = t->wh[i];

		if (t->n[x].live && t->n[x].wh_pos == t->pos)
			kill(t, x);
	}
	t->wh_cnt = 0;
}

static int fail(struct tree *t, uint32_t ri, int rc, const char *what)
{
	const struct ward_scan_ctx *c = t->c;
	const struct ward_scan_rec *r = &c->recs[ri];

	return ward_diag_set(c->d, rc, c->blobs[r->blob].name, 0, 0, "entry '%.300s': %s%s",
			     c->names + r->name, what,
			     rc == -ENOTDIR ? " (a parent is not a directory; extraction fails)"
			     : rc == -ELOOP ? " (more than 40 symlinks: extraction fails)"
			     : rc == -WARD_E_LIMIT ? " (over the path resolution or node limit)" : "");
}

static int apply(struct tree *t, uint32_t ri)
{
	const struct ward_scan_rec *r = &t->c->recs[ri];
	const char *path = t->c->names + r->name, *last;
	size_t last_len;
	int dir, rc;
	uint32_t old, src = 0;

	if (r->kind == WARD_SCAN_R_OPAQUE) {
		t->follows = t->steps = 0;
		dir = walk_dir(t, ROOT, path, strlen(path), true);
		if (dir < 0)
			return fail(t, ri, dir, "cannot resolve the opaque directory");
		hide_lower(t, (uint32_t)dir);
		return 0;
	}
	if (r->kind == WARD_SCAN_R_HARDLINK) {
		const char *tg = t->c->names + r->link;

		dir = locate(t, tg, &last, &last_len, false);
		src = dir < 0 ? 0 : lookup(t, (uint32_t)dir, last, last_len);
		if (!src || t->n[src].kind == WARD_SCAN_R_DIR || t->n[src].wh_pos == t->pos)
			return fail(t, ri, dir < 0 ? dir : -ENOENT,
				    "hard link target is not a file of this or a lower layer");
	}
	dir = locate(t, path, &last, &last_len, true);
	if (dir < 0)
		return fail(t, ri, dir, "cannot resolve the parent directory");
	old = lookup(t, (uint32_t)dir, last, last_len);
	switch (r->kind) {
	case WARD_SCAN_R_WHITEOUT:
		/*
		 * A whiteout hides lower layers only. An overlay runtime makes it a device node
		 * in the layer's directory, so it takes effect at the layer's end: a directory
		 * entry of the same layer that comes later replaces the node and merges with the
		 * lower directory again. Over this layer's own directory it hides only the lower
		 * content below it (docker refuses that layer; umoci does this).
		 */
		if (!old)
			return 0;
		if (t->n[old].pos != t->pos) {
			if (t->wh_cnt == t->wh_cap) {
				t->wh_cap = t->wh_cap ? t->wh_cap * 2 : 64;
				t->wh = ward_xreallocarray(t->wh, t->wh_cap, sizeof(*t->wh));
			}
			t->wh[t->wh_cnt++] = old;
			t->n[old].wh_pos = t->pos;
		} else if (t->n[old].kind == WARD_SCAN_R_DIR) {
			hide_lower(t, old);
		}
		return 0;
	case WARD_SCAN_R_DIR:
		if (old && t->n[old].kind == WARD_SCAN_R_DIR) {
			t->n[old].wh_pos = -1;
			t->n[old].rec = ri;
			t->n[old].pos = t->pos;
			return 0;
		}
		break;
	case WARD_SCAN_R_HARDLINK:
		if (old == src)
			return 0;
		break;
	default:
		break;
	}
	if (old)
		kill(t, old);
	if (r->kind == WARD_SCAN_R_HARDLINK) {
		if (!t->n[src].live) /* it lived under the name the link replaced */
			return fail(t, ri, -ENOENT, "hard link target was removed by the link itself");
		/* the link's header mode is set on the shared inode: every name has it */
		t->c->recs[t->n[src].rec].mode = r->mode;
		rc = add(t, (uint32_t)dir, last, last_len, t->n[src].kind, t->n[src].rec);
	} else {
		rc = add(t, (uint32_t)dir, last, last_len, r->kind, ri);
	}
	return rc < 0 ? fail(t, ri, rc, "too many names") : 0;
}

struct collect {
	struct ward_scan_name *v;
	size_t cnt, cap;
	char *path;
	size_t path_cap;
};

static void collect(const struct tree *t, uint32_t dir, struct collect *o, size_t len)
{
	for (uint32_t k = t->n[dir].child; k; k = t->n[k].next) {
		const struct node *x = &t->n[k];
		size_t n = len + (len ? 1 : 0) + x->name_len;

		if (n + 1 > o->path_cap) {
			while (n + 1 > o->path_cap)
				o->path_cap *= 2;
			o->path = ward_xrealloc(o->path, o->path_cap);
		}
		if (len)
			o->path[len] = '/';
		memcpy(o->path + n - x->name_len, x->name, x->name_len);
		o->path[n] = '\0';
		if (o->cnt == o->cap) {
			o->cap = o->cap ? o->cap * 2 : 1024;
			o->v = ward_xreallocarray(o->v, o->cap, sizeof(*o->v));
		}
		o->v[o->cnt++] = (struct ward_scan_name){ .path = ward_xstrdup(o->path),
							  .rec = x->rec, .kind = x->kind };
		if (x->kind == WARD_SCAN_R_DIR)
			collect(t, k, o, n);
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ward_scan_name *)a)->path,
		      ((const struct ward_scan_name *)b)->path);
}

int ward_scan_tree_build(struct ward_scan_ctx *c, struct ward_scan_name **names, size_t *cnt)
{
	struct tree t = { .c = c, .cap = 1024, .nbucket = 1024, .stack_cap = 256 };
	struct collect o = { .path_cap = 256 };
	int rc = 0;

	t.n = ward_xcalloc(t.cap, sizeof(*t.n));
	t.bucket = ward_xcalloc(t.nbucket, sizeof(*t.bucket));
	t.stack = ward_xcalloc(t.stack_cap, sizeof(*t.stack));
	t.n[ROOT] = (struct node){ .kind = WARD_SCAN_R_DIR, .rec = WARD_SCAN_NO_REC, .live = true,
				   .opq_pos = -1, .wh_pos = -1 };
	t.cnt = 1;
	if (c->rec_cnt > t.nbucket)
		rehash(&t, (size_t)1 << (64 - __builtin_clzll((unsigned long long)c->rec_cnt)));
	for (size_t p = 0; rc == 0 && p < c->order_cnt; p++) {
		const struct ward_scan_blob *b = &c->blobs[c->order[p]];

		t.pos = (int)p;
		for (uint32_t i = 0; rc == 0 && i < b->rec_cnt; i++)
			rc = apply(&t, b->rec_first + i);
		end_layer(&t);
	}
	if (rc == 0) {
		o.path = ward_xmalloc(o.path_cap);
		collect(&t, ROOT, &o, 0);
		if (o.cnt)
			qsort(o.v, o.cnt, sizeof(*o.v), name_cmp);
		*names = o.v;
		*cnt = o.cnt;
		free(o.path);
	}
	free(t.n);
	free(t.bucket);
	free(t.stack);
	free(t.wh);
	return rc;
}

void ward_scan_names_free(struct ward_scan_name *names, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++)
		free(names[i].path);
	free(names);
}

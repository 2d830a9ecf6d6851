#include "overlay.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "_cgo_export.h"

struct tg_snap {
	sqlite3 *reader;
	sqlite3_stmt *page_stmt; /* SELECT data FROM sqlite_dbpage WHERE pgno=?1, on reader */
	int page_size;
	int active;              /* attached to a snapshot */
	unsigned int gen;        /* file change counter presented to the overlay connection */
	unsigned int snap_pages; /* pages of the snapshot */
	unsigned int valid;      /* pages 1..valid not in the dirty table come from the snapshot */
	unsigned int npages;     /* current size of the overlay file, in pages */
	/* The dirty pages: an open-addressing table keyed by page number (0 marks
	 * a free slot), with linear probing; cap is a power of two. */
	unsigned int *keys;
	unsigned char **pages;
	unsigned int cap, count;
};

/* ov_file is an open file of the overlay VFS. Temporary files are opened by
 * the default VFS in the same memory, so ov_vfs.szOsFile covers both. */
typedef struct {
	sqlite3_file base;
	tg_snap *snap;
} ov_file;

static sqlite3_vfs ov_vfs;
static sqlite3_vfs *ov_default;
static pthread_once_t ov_once = PTHREAD_ONCE_INIT;
static int ov_register_rc;

/* ov_pending passes the snapshot from tg_overlay_open to xOpen, which SQLite
 * calls on the same thread from within sqlite3_open_v2. */
static __thread tg_snap *ov_pending;

/* ---- dirty page table ---- */

static unsigned int slot_of(tg_snap *s, unsigned int pgno) {
	unsigned int mask = s->cap - 1;
	unsigned int i = (pgno * 2654435761u) & mask;
	while (s->keys[i] != 0 && s->keys[i] != pgno) {
		i = (i + 1) & mask;
	}
	return i;
}

static unsigned char *dirty_get(tg_snap *s, unsigned int pgno) {
	if (s->count == 0) {
		return NULL;
	}
	unsigned int i = slot_of(s, pgno);
	return s->keys[i] == pgno ? s->pages[i] : NULL;
}

static int dirty_grow(tg_snap *s) {
	unsigned int ncap = s->cap ? s->cap * 2 : 64;
	unsigned int *okeys = s->keys;
	unsigned char **opages = s->pages;
	unsigned int ocap = s->cap;
	s->keys = calloc(ncap, sizeof(unsigned int));
	s->pages = calloc(ncap, sizeof(unsigned char *));
	if (s->keys == NULL || s->pages == NULL) {
		free(s->keys);
		free(s->pages);
		s->keys = okeys;
		s->pages = opages;
		return SQLITE_NOMEM;
	}
	s->cap = ncap;
	for (unsigned int k = 0; k < ocap; k++) {
		if (okeys[k] != 0) {
			unsigned int i = slot_of(s, okeys[k]);
			s->keys[i] = okeys[k];
			s->pages[i] = opages[k];
		}
	}
	free(okeys);
	free(opages);
	return SQLITE_OK;
}

/* dirty_put returns the dirty copy of pgno, creating it (uninitialized, *fresh
 * set) when there is none. */
static unsigned char *dirty_put(tg_snap *s, unsigned int pgno, int *fresh) {
	*fresh = 0;
	if ((s->count + 1) * 4 > s->cap * 3 && dirty_grow(s) != SQLITE_OK) {
		return NULL;
	}
	unsigned int i = slot_of(s, pgno);
	if (s->keys[i] == pgno) {
		return s->pages[i];
	}
	unsigned char *p = malloc((size_t)s->page_size);
	if (p == NULL) {
		return NULL;
	}
	s->keys[i] = pgno;
	s->pages[i] = p;
	s->count++;
	*fresh = 1;
	return p;
}

/* dirty_drop frees the dirty pages numbered above keep (all with keep 0). */
static void dirty_drop(tg_snap *s, unsigned int keep) {
	if (s->count == 0) {
		return;
	}
	if (keep == 0) {
		for (unsigned int k = 0; k < s->cap; k++) {
			if (s->keys[k] != 0) {
				free(s->pages[k]);
				s->keys[k] = 0;
				s->pages[k] = NULL;
			}
		}
		s->count = 0;
		return;
	}
	/* Rebuild the table without the dropped pages. */
	unsigned int *okeys = s->keys;
	unsigned char **opages = s->pages;
	unsigned int ocap = s->cap;
	unsigned int *nkeys = calloc(ocap, sizeof(unsigned int));
	unsigned char **npages = calloc(ocap, sizeof(unsigned char *));
	if (nkeys == NULL || npages == NULL) {
		/* Keep the table; the pages above keep are never read (reads past
		 * the end return zeros and writes overwrite whole pages). */
		free(nkeys);
		free(npages);
		return;
	}
	s->keys = nkeys;
	s->pages = npages;
	s->count = 0;
	for (unsigned int k = 0; k < ocap; k++) {
		if (okeys[k] == 0) {
			continue;
		}
		if (okeys[k] > keep) {
			free(opages[k]);
			continue;
		}
		unsigned int i = slot_of(s, okeys[k]);
		s->keys[i] = okeys[k];
		s->pages[i] = opages[k];
		s->count++;
	}
	free(okeys);
	free(opages);
}

/* ---- snapshot pages ---- */

static void put32(unsigned char *p, unsigned int v) {
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* snap_page copies page pgno of the snapshot into out. Page 1 is presented
 * as a rollback-journal database (bytes 18-19), with the overlay's change
 * counter (24 and 92) and the snapshot's size (28). */
static int snap_page(tg_snap *s, unsigned int pgno, unsigned char *out) {
	if (pgno > s->valid) {
		memset(out, 0, (size_t)s->page_size);
		return SQLITE_OK;
	}
	int rc = sqlite3_bind_int64(s->page_stmt, 1, (sqlite3_int64)pgno);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s->page_stmt);
	}
	if (rc == SQLITE_ROW) {
		int n = sqlite3_column_bytes(s->page_stmt, 0);
		const void *p = sqlite3_column_blob(s->page_stmt, 0);
		if (n != s->page_size || p == NULL) {
			rc = SQLITE_IOERR_READ;
		} else {
			memcpy(out, p, (size_t)n);
			rc = SQLITE_OK;
		}
	} else if (rc == SQLITE_DONE) {
		memset(out, 0, (size_t)s->page_size);
		rc = SQLITE_OK;
	} else {
		rc = SQLITE_IOERR_READ;
	}
	sqlite3_reset(s->page_stmt);
	if (rc == SQLITE_OK && pgno == 1) {
		out[18] = 1;
		out[19] = 1;
		put32(out + 24, s->gen);
		put32(out + 28, s->snap_pages);
		put32(out + 92, s->gen);
	}
	return rc;
}

/* ---- io methods ---- */

static int ov_close(sqlite3_file *f) {
	(void)f;
	return SQLITE_OK;
}

static int ov_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off) {
	tg_snap *s = ((ov_file *)f)->snap;
	if (!s->active) {
		return SQLITE_IOERR_READ;
	}
	int psz = s->page_size;
	unsigned char *out = buf;
	int rc = SQLITE_OK;
	while (amt > 0) {
		unsigned int pgno = (unsigned int)(off / psz) + 1;
		int in = (int)(off % psz);
		int n = psz - in < amt ? psz - in : amt;
		if (pgno > s->npages) {
			memset(out, 0, (size_t)amt);
			return SQLITE_IOERR_SHORT_READ;
		}
		unsigned char *p = dirty_get(s, pgno);
		if (p != NULL) {
			memcpy(out, p + in, (size_t)n);
		} else if (in == 0 && n == psz) {
			rc = snap_page(s, pgno, out);
		} else {
			unsigned char *tmp = malloc((size_t)psz);
			if (tmp == NULL) {
				return SQLITE_NOMEM;
			}
			rc = snap_page(s, pgno, tmp);
			memcpy(out, tmp + in, (size_t)n);
			free(tmp);
		}
		if (rc != SQLITE_OK) {
			return rc;
		}
		out += n;
		off += n;
		amt -= n;
	}
	return SQLITE_OK;
}

static int ov_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off) {
	tg_snap *s = ((ov_file *)f)->snap;
	if (!s->active) {
		return SQLITE_IOERR_WRITE;
	}
	int psz = s->page_size;
	const unsigned char *in_buf = buf;
	while (amt > 0) {
		unsigned int pgno = (unsigned int)(off / psz) + 1;
		int in = (int)(off % psz);
		int n = psz - in < amt ? psz - in : amt;
		int fresh;
		unsigned char *p = dirty_put(s, pgno, &fresh);
		if (p == NULL) {
			return SQLITE_NOMEM;
		}
		if (fresh && n < psz) {
			/* A partial write of a page not yet held: start from the
			 * page's current content. */
			if (pgno <= s->npages) {
				int rc = snap_page(s, pgno, p);
				if (rc != SQLITE_OK) {
					return rc;
				}
			} else {
				memset(p, 0, (size_t)psz);
			}
		}
		memcpy(p + in, in_buf, (size_t)n);
		if (pgno > s->npages) {
			s->npages = pgno;
		}
		in_buf += n;
		off += n;
		amt -= n;
	}
	return SQLITE_OK;
}

static int ov_truncate(sqlite3_file *f, sqlite3_int64 size) {
	tg_snap *s = ((ov_file *)f)->snap;
	unsigned int n = (unsigned int)((size + s->page_size - 1) / s->page_size);
	if (n < s->npages) {
		dirty_drop(s, n);
		s->npages = n;
		if (n < s->valid) {
			s->valid = n;
		}
	}
	return SQLITE_OK;
}

static int ov_sync(sqlite3_file *f, int flags) {
	(void)f;
	(void)flags;
	return SQLITE_OK;
}

static int ov_file_size(sqlite3_file *f, sqlite3_int64 *size) {
	tg_snap *s = ((ov_file *)f)->snap;
	*size = (sqlite3_int64)s->npages * s->page_size;
	return SQLITE_OK;
}

static int ov_lock(sqlite3_file *f, int level) {
	(void)f;
	(void)level;
	return SQLITE_OK;
}

static int ov_check_reserved(sqlite3_file *f, int *out) {
	(void)f;
	*out = 0;
	return SQLITE_OK;
}

static int ov_file_control(sqlite3_file *f, int op, void *arg) {
	(void)f;
	(void)op;
	(void)arg;
	return SQLITE_NOTFOUND;
}

static int ov_sector_size(sqlite3_file *f) {
	(void)f;
	return 512;
}

static int ov_device_characteristics(sqlite3_file *f) {
	(void)f;
	return 0;
}

static const sqlite3_io_methods ov_io = {
	1,
	ov_close,
	ov_read,
	ov_write,
	ov_truncate,
	ov_sync,
	ov_file_size,
	ov_lock,
	ov_lock,
	ov_check_reserved,
	ov_file_control,
	ov_sector_size,
	ov_device_characteristics,
};

/* ---- vfs methods ---- */

static int ov_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out_flags) {
	(void)vfs;
	if (name == NULL) {
		/* A temporary file (sorter, temp database, statement journal). */
		return ov_default->xOpen(ov_default, name, f, flags, out_flags);
	}
	ov_file *tf = (ov_file *)f;
	tf->base.pMethods = NULL;
	if ((flags & SQLITE_OPEN_MAIN_DB) == 0 || ov_pending == NULL) {
		/* Journals are kept in memory (journal_mode=MEMORY), and only
		 * tg_overlay_open may open a database. */
		return SQLITE_CANTOPEN;
	}
	tf->snap = ov_pending;
	tf->base.pMethods = &ov_io;
	if (out_flags) {
		*out_flags = flags;
	}
	return SQLITE_OK;
}

static int ov_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
	(void)vfs;
	(void)name;
	(void)sync_dir;
	return SQLITE_OK;
}

static int ov_access(sqlite3_vfs *vfs, const char *name, int flags, int *out) {
	(void)vfs;
	(void)name;
	(void)flags;
	/* No journal, WAL or other file exists beside an overlay database. */
	*out = 0;
	return SQLITE_OK;
}

static int ov_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out) {
	(void)vfs;
	size_t len = strlen(name);
	if ((int)len >= n) {
		return SQLITE_CANTOPEN;
	}
	memcpy(out, name, len + 1);
	return SQLITE_OK;
}

static void *ov_dlopen(sqlite3_vfs *vfs, const char *name) {
	(void)vfs;
	(void)name;
	return NULL;
}

static void ov_dlerror(sqlite3_vfs *vfs, int n, char *msg) {
	(void)vfs;
	if (n > 0) {
		strncpy(msg, "extensions cannot be loaded by an overlay connection", (size_t)n - 1);
		msg[n - 1] = 0;
	}
}

static void (*ov_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void) {
	(void)vfs;
	(void)h;
	(void)sym;
	return NULL;
}

static void ov_dlclose(sqlite3_vfs *vfs, void *h) {
	(void)vfs;
	(void)h;
}

static int ov_randomness(sqlite3_vfs *vfs, int n, char *out) {
	(void)vfs;
	return ov_default->xRandomness(ov_default, n, out);
}

static int ov_sleep(sqlite3_vfs *vfs, int us) {
	(void)vfs;
	return ov_default->xSleep(ov_default, us);
}

static int ov_current_time(sqlite3_vfs *vfs, double *t) {
	(void)vfs;
	return ov_default->xCurrentTime(ov_default, t);
}

static int ov_last_error(sqlite3_vfs *vfs, int n, char *msg) {
	(void)vfs;
	return ov_default->xGetLastError ? ov_default->xGetLastError(ov_default, n, msg) : 0;
}

static int ov_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *t) {
	(void)vfs;
	if (ov_default->iVersion >= 2 && ov_default->xCurrentTimeInt64) {
		return ov_default->xCurrentTimeInt64(ov_default, t);
	}
	double d;
	int rc = ov_default->xCurrentTime(ov_default, &d);
	*t = (sqlite3_int64)(d * 86400000.0);
	return rc;
}

static void ov_register_once(void) {
	ov_default = sqlite3_vfs_find(NULL);
	if (ov_default == NULL) {
		ov_register_rc = SQLITE_ERROR;
		return;
	}
	int sz = (int)sizeof(ov_file);
	if (ov_default->szOsFile > sz) {
		sz = ov_default->szOsFile;
	}
	ov_vfs.iVersion = 2;
	ov_vfs.szOsFile = sz;
	ov_vfs.mxPathname = 512;
	ov_vfs.zName = TG_OVERLAY_VFS;
	ov_vfs.xOpen = ov_open;
	ov_vfs.xDelete = ov_delete;
	ov_vfs.xAccess = ov_access;
	ov_vfs.xFullPathname = ov_full_pathname;
	ov_vfs.xDlOpen = ov_dlopen;
	ov_vfs.xDlError = ov_dlerror;
	ov_vfs.xDlSym = ov_dlsym;
	ov_vfs.xDlClose = ov_dlclose;
	ov_vfs.xRandomness = ov_randomness;
	ov_vfs.xSleep = ov_sleep;
	ov_vfs.xCurrentTime = ov_current_time;
	ov_vfs.xGetLastError = ov_last_error;
	ov_vfs.xCurrentTimeInt64 = ov_current_time64;
	ov_register_rc = sqlite3_vfs_register(&ov_vfs, 0);
}

int tg_overlay_register(void) {
	pthread_once(&ov_once, ov_register_once);
	return ov_register_rc;
}

/* ---- snapshots ---- */

tg_snap *tg_snap_new(sqlite3 *reader, int *rc) {
	tg_snap *s = calloc(1, sizeof(tg_snap));
	if (s == NULL) {
		*rc = SQLITE_NOMEM;
		return NULL;
	}
	static const char q[] = "SELECT data FROM main.sqlite_dbpage WHERE pgno = ?1";
	*rc = sqlite3_prepare_v3(reader, q, (int)sizeof(q) - 1, SQLITE_PREPARE_PERSISTENT, &s->page_stmt, NULL);
	if (*rc != SQLITE_OK) {
		free(s);
		return NULL;
	}
	s->reader = reader;
	s->gen = 0x5eed0000u;
	return s;
}

void tg_snap_free(tg_snap *s) {
	if (s == NULL) {
		return;
	}
	dirty_drop(s, 0);
	sqlite3_finalize(s->page_stmt);
	free(s->keys);
	free(s->pages);
	free(s);
}

void tg_snap_begin(tg_snap *s, unsigned int npages, int page_size) {
	dirty_drop(s, 0);
	s->page_size = page_size;
	s->gen++;
	s->snap_pages = npages;
	s->valid = npages;
	s->npages = npages;
	s->active = 1;
}

void tg_snap_end(tg_snap *s) {
	dirty_drop(s, 0);
	sqlite3_reset(s->page_stmt);
	s->active = 0;
}

int tg_overlay_open(tg_snap *s, sqlite3 **db) {
	int rc = tg_overlay_register();
	if (rc != SQLITE_OK) {
		return rc;
	}
	ov_pending = s;
	rc = sqlite3_open_v2("turso-overlay.db", db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, TG_OVERLAY_VFS);
	ov_pending = NULL;
	if (rc == SQLITE_OK) {
		/* As tg_open: accept double-quoted string literals, as SQLite does
		 * by default. */
		sqlite3_db_config(*db, SQLITE_DBCONFIG_DQS_DML, 1, (int *)0);
		sqlite3_db_config(*db, SQLITE_DBCONFIG_DQS_DDL, 1, (int *)0);
	}
	return rc;
}

/* ---- hooks ---- */

static void ov_update_cb(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid) {
	tgUpdateHook((uintptr_t)arg, op, (char *)db, (char *)table, rowid);
}

static int ov_auth_cb(void *arg, int action, const char *a1, const char *a2, const char *a3, const char *a4) {
	return tgAuthorize((uintptr_t)arg, action, (char *)a1, (char *)a2, (char *)a3, (char *)a4);
}

/* turso_cc_note(kind, table, rowid), called by the overlay's TEMP
 * triggers: see overlay.go. */
static void ov_note_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	(void)argc;
	tgOverlayNote((uintptr_t)sqlite3_user_data(ctx), sqlite3_value_int(argv[0]), (char *)sqlite3_value_text(argv[1]),
	              sqlite3_value_int64(argv[2]));
}

int tg_overlay_hooks(sqlite3 *db, uintptr_t h) {
	if (h == 0) {
		sqlite3_update_hook(db, NULL, NULL);
		sqlite3_set_authorizer(db, NULL, NULL);
		return sqlite3_create_function_v2(db, "turso_cc_note", 3, SQLITE_UTF8, NULL, NULL, NULL, NULL, NULL);
	}
	/* Defensive mode makes the shadow tables of virtual tables read-only to
	 * the transaction's statements (not to the virtual tables themselves). */
	int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
	if (rc == SQLITE_OK) {
		rc = sqlite3_create_function_v2(db, "turso_cc_note", 3, SQLITE_UTF8, (void *)h, ov_note_fn, NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		return rc;
	}
	sqlite3_update_hook(db, ov_update_cb, (void *)h);
	sqlite3_set_authorizer(db, ov_auth_cb, (void *)h);
	return SQLITE_OK;
}

int tg_set_triggers(sqlite3 *db, int on) {
	int out = 0;
	return sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, on, &out);
}

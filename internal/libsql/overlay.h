/*
 * The overlay VFS: a database "file" that serves the pages of a snapshot
 * held by another connection (the reader, which holds a WAL read
 * transaction and reads page images with sqlite_dbpage) and keeps every page
 * written through it copy-on-write in memory. A connection opened over it
 * (an overlay connection) runs a transaction on the snapshot without taking
 * any lock on the real database file.
 */
#ifndef TURSO_OVERLAY_H
#define TURSO_OVERLAY_H

#include <stdint.h>

#include "sqlite3_api.h"

/* The name the overlay VFS is registered under. */
#define TG_OVERLAY_VFS "turso-overlay"

/* tg_snap is the state of one overlay file: where its snapshot pages come
 * from and its dirty pages. It is owned by Go (overlay.go) and used by the
 * overlay connection's VFS calls, which run on the goroutine that drives
 * that connection. */
typedef struct tg_snap tg_snap;

/* tg_overlay_register registers the overlay VFS (not as the default). It is
 * safe to call more than once. */
int tg_overlay_register(void);

/* tg_snap_new prepares the page reader on reader, a connection to the real
 * database. It returns NULL when out of memory or when the reader cannot
 * prepare the sqlite_dbpage query (then *rc holds the error code, to be read
 * from reader). */
tg_snap *tg_snap_new(sqlite3 *reader, int *rc);

/* tg_snap_free finalizes the page reader and frees every page. */
void tg_snap_free(tg_snap *s);

/* tg_snap_begin attaches s to the reader's current read transaction, whose
 * database has npages pages of page_size bytes, and drops every dirty page.
 * Until tg_snap_end, reads are served from that snapshot. Each begin presents
 * a new file change counter, so that the overlay connection checks its page
 * cache (and page size) anew. */
void tg_snap_begin(tg_snap *s, unsigned int npages, int page_size);

/* tg_snap_end detaches s from the snapshot and drops every dirty page;
 * reads fail until the next tg_snap_begin. */
void tg_snap_end(tg_snap *s);

/* tg_overlay_open opens a connection over s. */
int tg_overlay_open(tg_snap *s, sqlite3 **db);

/* tg_overlay_hooks sets up db as an overlay connection whose callbacks call
 * back into Go with handle h (see overlay.go): the update hook, the
 * authorizer and the function turso_cc_note of its TEMP triggers; and it
 * turns on defensive mode. With h == 0 it removes the callbacks. */
int tg_overlay_hooks(sqlite3 *db, uintptr_t h);

/* tg_set_triggers enables or disables triggers on db. */
int tg_set_triggers(sqlite3 *db, int on);

#endif

/*
 * Declarations of the part of the SQLite C API (as built into libSQL 3.45,
 * which github.com/tursodatabase/go-libsql ships as a static library) that
 * this binding calls. go-libsql ships no sqlite3.h, so the prototypes are
 * written out here, exactly as SQLite declares them.
 */
#ifndef TURSO_SQLITE3_API_H
#define TURSO_SQLITE3_API_H

#include <stddef.h>
#include <stdint.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef struct sqlite3_context sqlite3_context;
typedef struct sqlite3_value sqlite3_value;
typedef struct sqlite3_backup sqlite3_backup;
typedef long long sqlite3_int64;
typedef unsigned long long sqlite3_uint64;
typedef void (*sqlite3_destructor_type)(void *);

#define SQLITE_OK 0
#define SQLITE_ERROR 1
#define SQLITE_NOMEM 7
#define SQLITE_INTERRUPT 9
#define SQLITE_IOERR 10
#define SQLITE_CANTOPEN 14
#define SQLITE_MISUSE 21
#define SQLITE_RANGE 25
#define SQLITE_ROW 100
#define SQLITE_DONE 101
#define SQLITE_IOERR_NOMEM (SQLITE_IOERR | (12 << 8))

#define SQLITE_INTEGER 1
#define SQLITE_FLOAT 2
#define SQLITE_TEXT 3
#define SQLITE_BLOB 4
#define SQLITE_NULL 5

#define SQLITE_UTF8 1
#define SQLITE_STATIC ((sqlite3_destructor_type)0)
#define SQLITE_TRANSIENT ((sqlite3_destructor_type)-1)

#define SQLITE_OPEN_READONLY 0x00000001
#define SQLITE_OPEN_READWRITE 0x00000002
#define SQLITE_OPEN_CREATE 0x00000004
#define SQLITE_OPEN_URI 0x00000040
#define SQLITE_OPEN_NOMUTEX 0x00008000
#define SQLITE_OPEN_FULLMUTEX 0x00010000

#define SQLITE_PREPARE_PERSISTENT 0x01

const char *sqlite3_libversion(void);
int sqlite3_libversion_number(void);
int sqlite3_threadsafe(void);

int sqlite3_open_v2(const char *filename, sqlite3 **ppDb, int flags, const char *zVfs);
int sqlite3_close_v2(sqlite3 *);
int sqlite3_busy_timeout(sqlite3 *, int ms);
int sqlite3_extended_result_codes(sqlite3 *, int onoff);
void sqlite3_interrupt(sqlite3 *);
int sqlite3_get_autocommit(sqlite3 *);
sqlite3_int64 sqlite3_changes64(sqlite3 *);
sqlite3_int64 sqlite3_last_insert_rowid(sqlite3 *);
int sqlite3_exec(sqlite3 *, const char *sql, int (*callback)(void *, int, char **, char **), void *, char **errmsg);

int sqlite3_errcode(sqlite3 *db);
int sqlite3_extended_errcode(sqlite3 *db);
const char *sqlite3_errmsg(sqlite3 *);
const char *sqlite3_errstr(int);
int sqlite3_system_errno(sqlite3 *);

int sqlite3_prepare_v3(sqlite3 *db, const char *zSql, int nByte, unsigned int prepFlags, sqlite3_stmt **ppStmt, const char **pzTail);
int sqlite3_finalize(sqlite3_stmt *pStmt);
int sqlite3_reset(sqlite3_stmt *pStmt);
int sqlite3_clear_bindings(sqlite3_stmt *);
int sqlite3_step(sqlite3_stmt *);
int sqlite3_stmt_readonly(sqlite3_stmt *pStmt);
const char *sqlite3_sql(sqlite3_stmt *pStmt);
#define SQLITE_STMTSTATUS_REPREPARE 5
int sqlite3_stmt_status(sqlite3_stmt *, int op, int resetFlg);

int sqlite3_bind_parameter_count(sqlite3_stmt *);
int sqlite3_bind_parameter_index(sqlite3_stmt *, const char *zName);
const char *sqlite3_bind_parameter_name(sqlite3_stmt *, int);
int sqlite3_bind_null(sqlite3_stmt *, int);
int sqlite3_bind_int64(sqlite3_stmt *, int, sqlite3_int64);
int sqlite3_bind_double(sqlite3_stmt *, int, double);
int sqlite3_bind_text64(sqlite3_stmt *, int, const char *, sqlite3_uint64, void (*)(void *), unsigned char encoding);
int sqlite3_bind_blob64(sqlite3_stmt *, int, const void *, sqlite3_uint64, void (*)(void *));
int sqlite3_bind_zeroblob(sqlite3_stmt *, int, int n);

int sqlite3_column_count(sqlite3_stmt *pStmt);
const char *sqlite3_column_name(sqlite3_stmt *, int N);
const char *sqlite3_column_decltype(sqlite3_stmt *, int);
const char *sqlite3_column_database_name(sqlite3_stmt *, int);
const char *sqlite3_column_table_name(sqlite3_stmt *, int);
const char *sqlite3_column_origin_name(sqlite3_stmt *, int);
int sqlite3_column_type(sqlite3_stmt *, int iCol);
sqlite3_int64 sqlite3_column_int64(sqlite3_stmt *, int iCol);
double sqlite3_column_double(sqlite3_stmt *, int iCol);
const unsigned char *sqlite3_column_text(sqlite3_stmt *, int iCol);
const void *sqlite3_column_blob(sqlite3_stmt *, int iCol);
int sqlite3_column_bytes(sqlite3_stmt *, int iCol);
sqlite3 *sqlite3_db_handle(sqlite3_stmt *);

int sqlite3_table_column_metadata(sqlite3 *db, const char *zDbName, const char *zTableName, const char *zColumnName,
                                  char const **pzDataType, char const **pzCollSeq, int *pNotNull, int *pPrimaryKey,
                                  int *pAutoinc);

sqlite3_int64 sqlite3_memory_used(void);
void *sqlite3_malloc64(sqlite3_uint64);
void sqlite3_free(void *);

#endif

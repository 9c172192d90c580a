#ifndef AMBASSADOR_CSQLITE_SHIM_H
#define AMBASSADOR_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a cast macro Swift cannot import: SQLite copies the bound value.
static inline sqlite3_destructor_type ambassador_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/// SQLITE_STATIC: the caller keeps the bound value alive until the next step/reset.
static inline sqlite3_destructor_type ambassador_sqlite_static(void) {
    return SQLITE_STATIC;
}

/// sqlite3_db_config is variadic; this wraps the integer on/off form.
static inline int ambassador_sqlite_db_config_int(sqlite3 *db, int op, int value, int *result) {
    return sqlite3_db_config(db, op, value, result);
}
/// sqlite3_config is variadic; this turns memory statistics on or off. Only valid before
/// SQLite initialises (returns SQLITE_MISUSE after).
static inline int ambassador_sqlite_config_memstatus(int on) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}
#endif

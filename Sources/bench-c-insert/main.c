/* The baseline for `make bench`: the plainest C loop inserting rows through SQLite's C API.
   Same table, values and settings as the Swift bulk path it is compared with:
   one prepared statement, bind/step/reset, one transaction, WAL, synchronous=NORMAL, and the
   page size of a new warehouse (Database.pageSize, passed by the bench).
   Usage: bench-c-insert DB ROWS PAGE_SIZE   — prints the seconds the inserts and the commit took. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL 997

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "bench-c-insert: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: bench-c-insert DB ROWS PAGE_SIZE\n");
        return 64;
    }
    long rows = atol(argv[2]);
    sqlite3 *db;
    check(sqlite3_open(argv[1], &db), db, "open");
    char page[64];
    snprintf(page, sizeof page, "PRAGMA page_size=%ld;", atol(argv[3]));
    check(sqlite3_exec(db, page, 0, 0, 0), db, "page size");
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                           "CREATE TABLE t (c1 INTEGER, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT,"
                           " c7 TEXT, c8 TEXT, c9 TEXT, c10 TEXT)", 0, 0, 0), db, "setup");
    static char pool[POOL][32];
    static int lengths[POOL];
    for (int i = 0; i < POOL; i++) lengths[i] = snprintf(pool[i], sizeof pool[i], "value-%d-abcdefghij", i * 7919);
    sqlite3_stmt *insert;
    check(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &insert, 0), db, "prepare");
    double start = now();
    check(sqlite3_exec(db, "BEGIN", 0, 0, 0), db, "begin");
    for (long r = 0; r < rows; r++) {
        sqlite3_bind_int64(insert, 1, r);
        for (int c = 2; c <= 10; c++) {
            int k = (int)((r + c * 31) % POOL);
            sqlite3_bind_text(insert, c, pool[k], lengths[k], SQLITE_TRANSIENT);
        }
        check(sqlite3_step(insert), db, "step");
        sqlite3_reset(insert);
    }
    check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
    double elapsed = now() - start;
    sqlite3_finalize(insert);
    sqlite3_close(db);
    printf("%.6f\n", elapsed);
    return 0;
}

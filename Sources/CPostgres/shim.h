#ifndef AMBASSADOR_CPOSTGRES_SHIM_H
#define AMBASSADOR_CPOSTGRES_SHIM_H
/* libpq, PostgreSQL's C client library (Debian's libpq-dev; pkg-config adds its include path). */
#include <libpq-fe.h>
#endif

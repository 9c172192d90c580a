#ifndef AMBASSADOR_CLIBXML2_SHIM_H
#define AMBASSADOR_CLIBXML2_SHIM_H
/* Debian's libxml2 is built with ICU; its ICU declarations clash with Foundation's in any
   module that sees both. The reader API does not need them, so switch them off before
   the other headers are included. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

/// xmlFree is a global function pointer macro Swift cannot call directly.
static inline void ambassador_xml_free(void *pointer) {
    xmlFree(pointer);
}
#endif

#ifndef AMBASSADOR_CSYSTEM_H
#define AMBASSADOR_CSYSTEM_H

/// Swaps the two paths in one step (renameat2 with RENAME_EXCHANGE, Linux 3.15+), so that a
/// reader sees either the old or the new one, never neither. Returns 0, or -1 with errno set
/// (EINVAL or ENOSYS where the file system or kernel cannot exchange).
int ambassador_rename_exchange(const char *from, const char *to);

#endif

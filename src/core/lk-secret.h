/* lk-secret.h: wiping secrets, in one place
 *
 * Every buffer that held a client secret, an access token or an
 * Authorization header is overwritten before its memory goes back to the
 * allocator.  explicit_bzero() is used because a memset() before free()
 * may be optimised away.  What cannot be wiped this way (buffers inside
 * libsoup, GDBus and the keyring daemon) is listed in docs/security.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Overwrites @length bytes at @data (NULL is fine). */
void    lk_secret_wipe               (gpointer    data,
                                      gsize       length);
/* Overwrites and frees a NUL-terminated secret (NULL is fine). */
void    lk_secret_free               (char       *secret);
/* Overwrites and frees @length bytes at @data (NULL is fine), for
 * buffers that may hold NUL bytes or are not terminated. */
void    lk_secret_free_sized         (gpointer    data,
                                      gsize       length);
/* Drops a reference to bytes that may hold a secret; the last one
 * overwrites them before freeing (NULL is fine). */
void    lk_secret_bytes_unref        (GBytes     *bytes);
/* Overwrites and frees a byte array (NULL is fine). */
void    lk_secret_byte_array_unref   (GByteArray *array);

/* Keeps the secrets of this process out of core files and away from the
 * user's other processes: the process is made not dumpable (no core file;
 * no ptrace, /proc/PID/mem or /proc/PID/environ for other processes of the
 * same user) and its soft core size limit is 0.  The hard limit is left,
 * so a program started by exec can be given its limit back.  Called first
 * thing by every program of ours that touches secrets. */
void    lk_secret_protect_process    (void);

/* Fills @buffer with @length bytes from the kernel's cryptographic
 * random source (getrandom(), else /dev/urandom).  Aborts when neither
 * answers: nothing that needs these bytes may go on with weaker ones. */
void    lk_secret_random_bytes       (gpointer    buffer,
                                      gsize       length);
/* A random UUID (version 4, RFC 4122) from lk_secret_random_bytes(), as
 * "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (g_free).  GLib's
 * g_uuid_string_random() is not used: its GRand is no cryptographic
 * source, and g_random_set_seed() makes it repeat. */
char   *lk_secret_random_uuid        (void);

/* A secret string: use g_autoptr (LkSecretString) so it is wiped. */
typedef char LkSecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkSecretString, lk_secret_free)

G_END_DECLS

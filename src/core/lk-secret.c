/* lk-secret.c: wiping secrets, in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "lk-secret.h"

void
lk_secret_wipe (gpointer data,
                gsize    length)
{
  if (data != NULL && length > 0)
    explicit_bzero (data, length);
}

void
lk_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  lk_secret_wipe (secret, strlen (secret));
  g_free (secret);
}

void
lk_secret_free_sized (gpointer data,
                      gsize    length)
{
  if (data == NULL)
    return;

  lk_secret_wipe (data, length);
  g_free (data);
}

void
lk_secret_bytes_unref (GBytes *bytes)
{
  gsize length = 0;
  gpointer data;

  if (bytes == NULL)
    return;

  /* The last reference hands the data over (copying it first only when
   * the bytes were not ours to take, and that copy is wiped too); an
   * empty GBytes gives NULL. */
  data = g_bytes_unref_to_data (bytes, &length);
  lk_secret_free_sized (data, length);
}

void
lk_secret_byte_array_unref (GByteArray *array)
{
  if (array == NULL)
    return;

  lk_secret_wipe (array->data, array->len);
  g_byte_array_unref (array);
}

void
lk_secret_protect_process (void)
{
  struct rlimit limit;

  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    g_debug ("prctl (PR_SET_DUMPABLE): %s", g_strerror (errno));

  if (getrlimit (RLIMIT_CORE, &limit) == 0)
    {
      limit.rlim_cur = 0;
      if (setrlimit (RLIMIT_CORE, &limit) != 0)
        g_debug ("setrlimit (RLIMIT_CORE): %s", g_strerror (errno));
    }
}

/* lk-secret.c: wiping secrets, in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-secret"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/random.h>
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

/* /dev/urandom, for kernels without getrandom(): TRUE when filled. */
static gboolean
read_urandom (guint8 *buffer,
              gsize   length)
{
  gsize done = 0;
  int fd;

  do
    fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return FALSE;

  while (done < length)
    {
      ssize_t n = read (fd, buffer + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize) n;
    }

  close (fd);
  return done == length;
}

void
lk_secret_random_bytes (gpointer buffer,
                        gsize    length)
{
  guint8 *bytes = buffer;
  gsize done = 0;

  g_return_if_fail (buffer != NULL || length == 0);

  while (done < length)
    {
      ssize_t n = getrandom (bytes + done, length - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      done += (gsize) n;
    }

  if (done < length && !read_urandom (bytes + done, length - done))
    g_error ("No cryptographic random source (getrandom() and /dev/urandom both failed)");
}

char *
lk_secret_random_uuid (void)
{
  guint8 b[16];

  lk_secret_random_bytes (b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;   /* version 4 */
  b[8] = (b[8] & 0x3f) | 0x80;   /* RFC 4122 variant */

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

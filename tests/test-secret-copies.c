/* test-secret-copies.c: how many copies of a new key's secret stay in memory
 *
 * One create through LkClient (with a credential store), then everything
 * freed: this process's writable memory (heap, thread arenas, every
 * anonymous mapping), read through /proc/self/mem, is searched for the
 * new key's secret.  The simulator runs as a program of its own
 * (layer-keys-sim), so that its copies do not count.
 *
 * Copies come in two kinds, told apart by what follows them: a copy in
 * the reply's text (followed by the closing '"') is a transport buffer;
 * any other (a decoded string, followed by its NUL) is a parser's or
 * ours.  Once everything is freed no decoded copy may be left.  Reply
 * text may: libsoup reads the reply's head and the start of its body
 * into one buffer, and as it takes each header line off the front, what
 * follows moves along and leaves a stale copy behind; it frees that
 * buffer without wiping it (docs/security.md, "Custody").
 *
 * The secret is searched for without keeping a copy of it: the test holds
 * it masked (XOR), and unmasks byte by byte as it compares.
 *
 * Also here: the scanner that takes the secret out of a reply
 * (lk-secret-reply.c), on the replies it must read and those it must
 * refuse.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lk-client.h"
#include "lk-secret-reply.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-wire.h"

#define WAIT_MS 30000
#define MASK 0x5a
/* In libsoup's read buffer, one per header line at most (see above):
 * the simulator's replies have a handful. */
#define MAX_REPLY_TEXT_LEFT 8

/* ------------------------------------------------------------------------
 * A quarantine for freed memory
 *
 * glibc hands a freed block out again at once, and writes its list
 * pointers into it: a copy of a secret freed without wiping is usually
 * gone by the time anyone looks, and whether it is depends on what the
 * process allocated meanwhile.  The test looks at the worst case instead:
 * free() and realloc() of this program (which every library's calls
 * resolve to) keep each freed block as it was, until the test ends.  (An
 * AddressSanitizer build, whose allocator and shadow memory are too large
 * to search, skips the count.)
 * ------------------------------------------------------------------------ */

#ifndef __SANITIZE_ADDRESS__

#include <malloc.h>
#include <pthread.h>

extern void *__libc_malloc (size_t size);
extern void  __libc_free (void *ptr);

#define QUARANTINE_SIZE (1 << 20)

static void *quarantine[QUARANTINE_SIZE];
static gsize quarantine_next;
static gboolean quarantine_on;
static pthread_mutex_t quarantine_lock = PTHREAD_MUTEX_INITIALIZER;

void free (void *ptr);
void *realloc (void *ptr, size_t size);

void
free (void *ptr)
{
  void *old;

  if (ptr == NULL)
    return;
  if (!quarantine_on)
    {
      __libc_free (ptr);
      return;
    }

  pthread_mutex_lock (&quarantine_lock);
  old = quarantine[quarantine_next % QUARANTINE_SIZE];
  quarantine[quarantine_next % QUARANTINE_SIZE] = ptr;
  quarantine_next++;
  pthread_mutex_unlock (&quarantine_lock);

  /* Only once a million blocks were freed after it. */
  if (old != NULL)
    __libc_free (old);
}

void *
realloc (void *ptr,
         size_t size)
{
  void *moved;

  if (ptr == NULL)
    return __libc_malloc (size);
  if (size == 0)
    {
      free (ptr);
      return NULL;
    }

  /* Shrunk in place, as glibc does; grown into a new block, the old one
   * kept: the worst a growing buffer can leave. */
  if (size <= malloc_usable_size (ptr))
    return ptr;
  moved = __libc_malloc (size);
  if (moved == NULL)
    return NULL;
  memcpy (moved, ptr, MIN (size, malloc_usable_size (ptr)));
  free (ptr);
  return moved;
}

static void
quarantine_start (void)
{
  quarantine_on = TRUE;
}

#else

static void
quarantine_start (void)
{
}

#endif

/* ------------------------------------------------------------------------
 * Searching this process's memory
 * ------------------------------------------------------------------------ */

#define SCRATCH_SIZE (4 * 1024 * 1024)

typedef struct {
  guint8 *masked;      /* the secret, XOR MASK */
  gsize   length;
} Needle;

typedef struct {
  guint in_reply_text;   /* followed by '"' */
  guint decoded;         /* anything else */
} Copies;

static gboolean
matches_at (const guint8 *p,
            const Needle *needle)
{
  for (gsize i = 0; i < needle->length; i++)
    {
      if ((guint8) (p[i] ^ MASK) != needle->masked[i])
        return FALSE;
    }

  return TRUE;
}

/* Adds the occurrences of @needle in @data (@length bytes) that start
 * before @data + @limit to @copies. */
static void
count_in (const guint8 *data,
          gsize         length,
          gsize         limit,
          const Needle *needle,
          Copies       *copies)
{
  guint8 first = needle->masked[0] ^ MASK;
  const guint8 *p = data;
  const guint8 *end = data + MIN (limit, length);

  while (p < end && (p = memchr (p, first, (gsize) (end - p))) != NULL)
    {
      if ((gsize) (data + length - p) > needle->length && matches_at (p, needle))
        {
          if (p[needle->length] == '"')
            copies->in_reply_text++;
          else
            copies->decoded++;
        }
      p++;
    }
}

/* Every writable mapping of this process, except @scratch itself. */
static Copies
count_in_memory (const Needle *needle)
{
  g_autofree char *maps = NULL;
  g_auto(GStrv) lines = NULL;
  guint8 *scratch;
  Copies copies = { 0, 0 };
  int mem;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);

  /* Outside the heap, so that what it reads is no copy in the heap. */
  scratch = mmap (NULL, SCRATCH_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (scratch != MAP_FAILED);
  mem = open ("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (mem, >=, 0);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 start, end;
      char perms[5] = { 0 };

      if (sscanf (lines[i], "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x %4s",
                  &start, &end, perms) != 3)
        continue;
      if (perms[0] != 'r' || perms[1] != 'w')
        continue;
      if (start == (guint64) (guintptr) scratch)
        continue;

      /* In windows that overlap by the needle and the byte after it, so
       * that a copy across two reads counts, once. */
      for (guint64 at = start; at < end; )
        {
          gsize want = (gsize) MIN (end - at, (guint64) SCRATCH_SIZE);
          ssize_t got = pread (mem, scratch, want, (off_t) at);
          gsize step;

          if (got <= 0)
            break;
          step = at + (guint64) got >= end ? (gsize) got : (gsize) got - needle->length;
          count_in (scratch, (gsize) got, step, needle, &copies);
          if (at + (guint64) got >= end)
            break;
          at += step;
        }
    }

  explicit_bzero (scratch, SCRATCH_SIZE);
  munmap (scratch, SCRATCH_SIZE);
  close (mem);
  return copies;
}

/* ------------------------------------------------------------------------
 * The simulator, as a program
 * ------------------------------------------------------------------------ */

typedef struct {
  GSubprocess *process;
  GHashTable  *lines;      /* "url", "token-url", "client-id", "client-secret" */
} Program;

static void
end_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static Program *
program_start (void)
{
  const char *bin = g_getenv ("LK_SIM_BIN");
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  Program *program;

  if (bin == NULL)
    return NULL;

  program = g_new0 (Program, 1);
  program->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* Ends with the test, even one that fails. */
  g_subprocess_launcher_set_child_setup (launcher, end_with_parent, NULL, NULL);
  program->process = g_subprocess_launcher_spawn (launcher, &error, bin, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (program->process));

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      char *colon;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      colon = strstr (line, ": ");
      g_assert_nonnull (colon);
      *colon = '\0';
      g_hash_table_insert (program->lines, g_strdup (line), g_strdup (colon + 2));
    }

  return program;
}

static void
program_stop (Program *program)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (program->process, SIGTERM);
  g_assert_true (g_subprocess_wait (program->process, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&program->process);
  g_hash_table_unref (program->lines);
  g_free (program);
}

/* ------------------------------------------------------------------------
 * The test
 * ------------------------------------------------------------------------ */

static void
test_copies_after_create (void)
{
  Program *program = program_start ();
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LkCredentialStore *store;
  LkCreatedKey *created;
  LkClient *client;
  Needle needle = { 0 };
  Copies copies;

#ifdef __SANITIZE_ADDRESS__
  g_clear_pointer (&program, program_stop);
  g_test_skip ("AddressSanitizer's memory is too large to search");
  return;
#endif

  if (program == NULL)
    {
      g_test_skip ("LK_SIM_BIN is not set");
      return;
    }

  platform = lk_platform_new_custom (g_hash_table_lookup (program->lines, "url"),
                                     g_hash_table_lookup (program->lines, "token-url"),
                                     NULL, &error);
  g_assert_no_error (error);
  client = lk_client_new (platform);
  lk_client_set_credentials (client, g_hash_table_lookup (program->lines, "client-id"),
                             g_hash_table_lookup (program->lines, "client-secret"));
  lk_client_set_timeout (client, 10);
  store = lk_memory_store_new ();
  lk_client_set_store (client, store);

  quarantine_start ();

  lk_client_create_key_async (client, "Counted copies", lk_time_now () + 30 * 86400, NULL, NULL,
                              lk_test_store_result, &result);
  created = lk_client_create_key_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_true (created->stored);

  /* The allocator writes its list pointers over the first 16 bytes of a
   * freed block: a copy freed without wiping keeps the rest.  So the
   * search is for the secret past its first 16 bytes. */
  g_assert_cmpuint (strlen (created->client_secret), >=, 16 + 16);
  needle.length = strlen (created->client_secret) - 16;
  needle.masked = g_malloc (needle.length);
  for (gsize i = 0; i < needle.length; i++)
    needle.masked[i] = (guint8) created->client_secret[16 + i] ^ MASK;

  /* Held: the created key's and the store's. */
  copies = count_in_memory (&needle);
  g_test_message ("while the created key and the store hold it: %u decoded copies, %u in reply text",
                  copies.decoded, copies.in_reply_text);
  g_assert_cmpuint (copies.decoded, ==, 2);

  /* Everything freed, and what it left queued run. */
  lk_created_key_unref (created);
  g_clear_object (&result);
  g_assert_finalize_object (client);
  g_assert_finalize_object (store);
  lk_test_spin (100);

  copies = count_in_memory (&needle);
  g_test_message ("after everything was freed: %u decoded copies, %u in reply text",
                  copies.decoded, copies.in_reply_text);
  g_assert_cmpuint (copies.decoded, ==, 0);
  g_assert_cmpuint (copies.in_reply_text, <=, MAX_REPLY_TEXT_LEFT);

  g_free (needle.masked);
  program_stop (program);
}

/* ------------------------------------------------------------------------
 * The scanner that takes the secret out
 * ------------------------------------------------------------------------ */

#define CREATED_HEAD \
  "{\"id\": \"k1\", \"name\": \"n\", \"client_id\": \"c1\", " \
  "\"created_at\": \"2026-01-01T00:00:00Z\", \"expires_at\": \"2027-01-01T00:00:00Z\", " \
  "\"permissions\": {\"api_keys\": [\"read\"]}"

static LkCreatedKey *
parse_created (const char  *reply,
               GError     **error)
{
  g_autofree char *data = g_strdup (reply);
  LkCreatedKey *created = lk_secret_reply_parse_created (data, strlen (data), error);

  /* What is left of the reply holds no secret. */
  if (created != NULL)
    g_assert_null (strstr (data, created->client_secret));
  return created;
}

static void
test_scanner (void)
{
  static const struct {
    const char *reply;
    const char *secret;     /* NULL: refused */
  } cases[] = {
    { CREATED_HEAD ", \"client_secret\": \"s3cr3t-0123\"}", "s3cr3t-0123" },
    /* escapes, decoded as JSON-GLib would */
    { CREATED_HEAD ", \"client_secret\": \"a\\\"b\\\\c\\/d\\u00e9\\ud83d\\udd11\"}", "a\"b\\c/d\u00e9\U0001F511" },
    /* a key spelt with an escape is the same key */
    { CREATED_HEAD ", \"client\\u005fsecret\": \"escaped-name\"}", "escaped-name" },
    /* twice: the last, as JSON-GLib takes it */
    { CREATED_HEAD ", \"client_secret\": \"first-one\", \"client_secret\": \"last-one\"}", "last-one" },
    /* one inside another object is not the key's */
    { CREATED_HEAD ", \"extra\": {\"client_secret\": \"nested\"}, \"client_secret\": \"top\"}", "top" },
    /* refused */
    { CREATED_HEAD ", \"client_secret\": \"\"}", NULL },
    { CREATED_HEAD ", \"client_secret\": 42}", NULL },
    { CREATED_HEAD ", \"client_secret\": \"half \\ud83d pair\"}", NULL },
    { CREATED_HEAD ", \"client_secret\": \"nul \\u0000 inside\"}", NULL },
    { CREATED_HEAD ", \"client_secret\": \"cut short", NULL },
    { CREATED_HEAD ", \"client_secret\": \"x\"} trailing", NULL },
    { CREATED_HEAD "}", NULL },
    { "[\"client_secret\"]", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      LkCreatedKey *created;

      g_test_message ("reply %u", i);
      created = parse_created (cases[i].reply, &error);
      if (cases[i].secret == NULL)
        {
          g_assert_null (created);
          g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (created);
      g_assert_cmpstr (created->client_secret, ==, cases[i].secret);
      g_assert_cmpstr (lk_api_key_get_id (created->key), ==, "k1");
      lk_created_key_unref (created);
    }

  /* The token reply: the token out, the rest checked as before. */
  {
    g_autofree char *data = g_strdup ("{\"access_token\": \"tok-\\u0041BC\", \"token_type\": \"Bearer\", \"expires_in\": 600}");
    g_autofree char *bad_type = g_strdup ("{\"access_token\": \"tok\", \"token_type\": \"MAC\"}");
    g_autoptr(LkSecretString) token = NULL;
    g_autoptr(GError) error = NULL;
    gint64 expires_in = 0;

    g_assert_true (lk_secret_reply_parse_token (data, strlen (data), &token, &expires_in, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (token, ==, "tok-ABC");
    g_assert_cmpint (expires_in, ==, 600);
    g_assert_null (strstr (data, "tok-"));
    g_assert_null (strstr (data, "0041BC"));
    g_clear_pointer (&token, lk_secret_free);

    g_assert_false (lk_secret_reply_parse_token (bad_type, strlen (bad_type), &token, NULL, &error));
    g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
    g_assert_null (token);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/secret-copies/scanner", test_scanner);
  g_test_add_func ("/lk/secret-copies/after-create", test_copies_after_create);

  return g_test_run ();
}

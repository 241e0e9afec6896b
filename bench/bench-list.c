/* bench-list.c: list throughput of the core
 *
 * Signs in to a running layer-keys-sim with LkClient and lists every page
 * (page size 100, the contract's maximum) into the client's model of
 * LkApiKey, timing the list.  Where the simulator is comes from the
 * environment, as layer-keys-sim printed it:
 *   LK_BENCH_API_URL, LK_BENCH_TOKEN_URL, LK_BENCH_CLIENT_ID,
 *   LK_BENCH_CLIENT_SECRET (a simulated tenant's admin secret)
 *
 *   bench-list [--repeat N] [--expect N]
 *
 * Prints "sign_in_ms=X", then one "list_ms=X n_keys=N" line per list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench-util.h"
#include "lk-client.h"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || value[0] == '\0')
    {
      g_printerr ("bench-list: set %s\n", name);
      exit (2);
    }

  return value;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkClient) client = NULL;
  g_autoptr (LkApiKey) whoami = NULL;
  GAsyncResult *result = NULL;
  int repeat = 1;
  int expect = -1;
  double start;
  const GOptionEntry entries[] = {
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Lists to make in this process", "N" },
    { "expect", 'e', 0, G_OPTION_ARG_INT, &expect, "Fail unless the list has N keys", "N" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  platform = lk_platform_new_custom (require_env ("LK_BENCH_API_URL"),
                                     require_env ("LK_BENCH_TOKEN_URL"),
                                     NULL, &error);
  bench_check ("the platform", error);

  client = lk_client_new (platform);
  lk_client_set_credentials (client,
                             require_env ("LK_BENCH_CLIENT_ID"),
                             require_env ("LK_BENCH_CLIENT_SECRET"));
  lk_client_set_page_size (client, 100);

  start = bench_now_ms ();
  lk_client_sign_in_async (client, NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  whoami = lk_client_sign_in_finish (client, result, &error);
  g_clear_object (&result);
  bench_check ("signing in", error);
  printf ("sign_in_ms=%.3f\n", bench_now_ms () - start);

  for (int i = 0; i < repeat; i++)
    {
      guint n_keys;

      start = bench_now_ms ();
      lk_client_list_keys_async (client, NULL, bench_store_result, &result);
      result = bench_wait_result (&result, 600);
      lk_client_list_keys_finish (client, result, &error);
      g_clear_object (&result);
      bench_check ("listing", error);

      n_keys = g_list_model_get_n_items (lk_client_get_keys (client));
      printf ("list_ms=%.3f n_keys=%u\n", bench_now_ms () - start, n_keys);
      fflush (stdout);

      if (expect >= 0 && n_keys != (guint) expect)
        {
          g_printerr ("bench-list: expected %d keys, got %u\n", expect, n_keys);
          return 1;
        }
    }

  return 0;
}

/* bench-rotate.c: a rotation against its steps, each timed alone
 *
 * Signs in to a running layer-keys-sim (LK_BENCH_API_URL,
 * LK_BENCH_TOKEN_URL, LK_BENCH_CLIENT_ID, LK_BENCH_CLIENT_SECRET) with
 * LkClient, secrets going to the session's keyring (LkSecretStore).  Each
 * run, against the same simulator:
 *
 *   steps      the four steps of a rotation with the core API, each
 *              timed alone: create a key (no store set: the platform
 *              only), store its secret (lk_client_store_secret_async),
 *              verify it (a client of its own signs in with it: token,
 *              then whoami, which must name it), delete the old key (on
 *              the platform and its keyring item);
 *   rotation   lk_rotation_run_async() of the key the steps made, the
 *              old key deleted now: the same four steps, plus the
 *              rotation's journal.
 *
 *   bench-rotate [RUNS]     (5 by default, after one untimed warm-up)
 *
 * Prints per run "create_ms=X store_ms=X verify_ms=X delete_ms=X
 * steps_ms=X rotation_ms=X".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench-util.h"
#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-rotation.h"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || value[0] == '\0')
    {
      g_printerr ("bench-rotate: set %s\n", name);
      exit (2);
    }

  return value;
}

/* One key to rotate: created and stored, untimed. */
static LkCreatedKey *
create_stored (LkClient   *client,
               const char *name)
{
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;
  LkCreatedKey *created;

  lk_client_create_key_async (client, name, g_get_real_time () / G_USEC_PER_SEC + 90 * 86400,
                              NULL, NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  created = lk_client_create_key_finish (client, result, &error);
  g_clear_object (&result);
  bench_check ("creating", error);
  if (!created->stored)
    {
      g_printerr ("bench-rotate: the key's secret was not stored\n");
      exit (1);
    }

  return created;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkClient) client = NULL;
  g_autoptr (LkCredentialStore) store = NULL;
  g_autoptr (LkApiKey) whoami = NULL;
  g_autoptr (LkCreatedKey) current = NULL;
  GAsyncResult *result = NULL;
  int runs = argc > 1 ? atoi (argv[1]) : 5;

  platform = lk_platform_new_custom (require_env ("LK_BENCH_API_URL"),
                                     require_env ("LK_BENCH_TOKEN_URL"),
                                     NULL, &error);
  bench_check ("the platform", error);

  store = lk_secret_store_new_quiet ();
  client = lk_client_new (platform);
  lk_client_set_credentials (client,
                             require_env ("LK_BENCH_CLIENT_ID"),
                             require_env ("LK_BENCH_CLIENT_SECRET"));
  lk_client_set_store (client, store);

  lk_client_sign_in_async (client, NULL, bench_store_result, &result);
  result = bench_wait_result (&result, 60);
  whoami = lk_client_sign_in_finish (client, result, &error);
  g_clear_object (&result);
  bench_check ("signing in", error);

  current = create_stored (client, "Bench rotate 0");

  for (int run = 0; run <= runs; run++)
    {
      g_autofree char *name = g_strdup_printf ("Bench rotate %d", run + 1);
      g_autoptr (LkCreatedKey) created = NULL;
      g_autoptr (LkClient) verifier = NULL;
      g_autoptr (LkApiKey) verified = NULL;
      g_autoptr (LkRotationPlan) plan = NULL;
      g_autoptr (LkRotationOutcome) outcome = NULL;
      double t0, t1, t2, t3, t4, t5;

      /* 1. create, the platform only */
      lk_client_set_store (client, NULL);
      t0 = bench_now_ms ();
      lk_client_create_key_async (client, name, g_get_real_time () / G_USEC_PER_SEC + 90 * 86400,
                                  lk_api_key_get_permissions (current->key), NULL,
                                  bench_store_result, &result);
      result = bench_wait_result (&result, 60);
      created = lk_client_create_key_finish (client, result, &error);
      g_clear_object (&result);
      bench_check ("creating", error);
      t1 = bench_now_ms ();
      lk_client_set_store (client, store);

      /* 2. store its secret */
      lk_client_store_secret_async (client, created, NULL, bench_store_result, &result);
      result = bench_wait_result (&result, 60);
      lk_client_store_secret_finish (client, result, &error);
      g_clear_object (&result);
      bench_check ("storing", error);
      t2 = bench_now_ms ();

      /* 3. verify: token and whoami with the new key */
      verifier = lk_client_new (platform);
      lk_client_set_credentials (verifier, lk_api_key_get_client_id (created->key),
                                 created->client_secret);
      lk_client_sign_in_async (verifier, NULL, bench_store_result, &result);
      result = bench_wait_result (&result, 60);
      verified = lk_client_sign_in_finish (verifier, result, &error);
      g_clear_object (&result);
      bench_check ("verifying", error);
      if (g_strcmp0 (lk_api_key_get_id (verified), lk_api_key_get_id (created->key)) != 0)
        {
          g_printerr ("bench-rotate: whoami named another key\n");
          return 1;
        }
      t3 = bench_now_ms ();

      /* 4. delete the old key and its item */
      lk_client_delete_key_async (client, lk_api_key_get_id (current->key), NULL,
                                  bench_store_result, &result);
      result = bench_wait_result (&result, 60);
      lk_client_delete_key_finish (client, result, &error);
      g_clear_object (&result);
      bench_check ("deleting", error);
      t4 = bench_now_ms ();

      /* The rotation of the key just made, the old one deleted now. */
      plan = lk_rotation_plan_new (created->key, NULL, g_get_real_time () / G_USEC_PER_SEC);
      plan->delete_old = LK_ROTATION_DELETE_NOW;
      lk_rotation_run_async (client, plan, NULL, bench_store_result, &result);
      result = bench_wait_result (&result, 60);
      outcome = lk_rotation_run_finish (result, &error);
      g_clear_object (&result);
      bench_check ("rotating", error);
      t5 = bench_now_ms ();
      if (outcome->successor == NULL || !outcome->old_deleted)
        {
          g_printerr ("bench-rotate: the rotation did not finish\n");
          return 1;
        }

      g_clear_pointer (&current, lk_created_key_unref);
      current = lk_created_key_ref (outcome->successor);

      if (run == 0)
        continue;   /* warm-up */
      printf ("create_ms=%.3f store_ms=%.3f verify_ms=%.3f delete_ms=%.3f steps_ms=%.3f rotation_ms=%.3f\n",
              t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0, t5 - t4);
      fflush (stdout);
    }

  return 0;
}

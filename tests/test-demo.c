/* test-demo.c: the demo leaves nothing behind (issue 20)
 *
 * Against the real keyring of the test session: a key created in the demo
 * goes to the Secret Service's session collection, labelled as a demo
 * key, and the login collection holds no new item.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-demo"

#include "config.h"

#include <string.h>
#include <libsecret/secret.h>

#include "lk-demo.h"
#include "lk-session.h"
#include "lk-test-util.h"
#include "lk-time.h"

#define WAIT_MS 30000

/* Items of the collection at @alias whose "platform" is @platform_id,
 * as their labels. */
static GPtrArray *
labels_in (const char *alias,
           const char *platform_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);
  GList *items;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, alias, SECRET_COLLECTION_LOAD_ITEMS,
                                                 NULL, &error);
  g_assert_no_error (error);
  if (collection == NULL)
    return labels;

  items = secret_collection_get_items (collection);
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_item_get_attributes (l->data);
      const char *platform = g_hash_table_lookup (attributes, "platform");

      if (g_strcmp0 (platform, platform_id) == 0)
        g_ptr_array_add (labels, secret_item_get_label (l->data));
    }
  g_list_free_full (items, g_object_unref);
  return labels;
}

static void
test_demo_keys_in_session_collection (void)
{
  g_autoptr(LkCredentialStore) login = NULL;
  g_autoptr(LkSession) session = NULL;
  g_autoptr(LkDemo) demo = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkCreatedKey) created = NULL;
  g_autoptr(GPtrArray) in_login = NULL;
  g_autoptr(GPtrArray) in_session = NULL;
  g_autofree char *platform_id = NULL;
  LkClient *client;
  gboolean found = FALSE;

  if (!lk_test_have_secret_service ())
    {
      g_test_skip ("no Secret Service");
      return;
    }

  login = lk_secret_store_new ();
  session = lk_session_new (login);
  demo = g_object_new (LK_TYPE_DEMO, NULL);

  lk_demo_sign_in_async (demo, session, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  g_assert_true (lk_demo_sign_in_finish (demo, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (lk_session_get_demo (session));

  client = lk_session_get_client (session);
  platform_id = g_strdup (lk_platform_get_id (lk_client_get_platform (client)));
  lk_client_create_key_async (client, "demo-leaves-nothing", lk_time_now () + 30 * 24 * 3600,
                              NULL, NULL, lk_test_store_result, &result);
  lk_test_wait_result (&result, WAIT_MS);
  created = lk_client_create_key_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_true (created->stored);

  /* Nothing in the login keyring ... */
  in_login = labels_in (SECRET_COLLECTION_DEFAULT, platform_id);
  g_assert_cmpuint (in_login->len, ==, 0);
  /* ... the key is in the session collection, labelled as a demo key. */
  in_session = labels_in (SECRET_COLLECTION_SESSION, platform_id);
  /* (beside the two the demo stores for its key-health marks) */
  g_assert_cmpuint (in_session->len, ==, 3);
  for (guint i = 0; i < in_session->len; i++)
    {
      g_assert_nonnull (strstr (in_session->pdata[i], "demo"));
      if (strstr (in_session->pdata[i], "demo-leaves-nothing") != NULL)
        found = TRUE;
    }
  g_assert_true (found);

  lk_session_sign_out (session);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/demo/keys-in-session-collection", test_demo_keys_in_session_collection);

  return g_test_run ();
}

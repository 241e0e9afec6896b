/* test-key-rules.c: invisible and direction-changing characters in key names
 *
 * lk-key-rules.c refuses, in a new name, the characters that cannot be
 * seen or that reorder the text around them (a confirmation could show
 * one key's name as another's), and keeps those that emoji sequences and
 * the scripts that need a joiner cannot do without.  A name that holds
 * one anyway (made elsewhere, listed by the platform) is shown with it
 * made visible.  The other rules (length, control characters, expiry)
 * are in test-bad-input.c and test-client.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-client.h"
#include "lk-simulator.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-wire.h"

#define WAIT_MS 30000
#define DAY (24 * 60 * 60)

typedef struct {
  const char *label;
  const char *name;
  gboolean    valid;
} NameCase;

static LkClient *
client_for (LkSimulator *sim)
{
  g_autoptr(LkPlatform) platform = lk_simulator_get_platform (sim);
  LkClient *client = lk_client_new (platform);

  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_set_timeout (client, 10);
  return client;
}

static LkCreatedKey *
create_key (LkClient    *client,
            const char  *name,
            gint64       expires_at,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_create_key_async (client, name, expires_at, NULL, NULL, lk_test_store_result, &result);
  return lk_client_create_key_finish (client, lk_test_wait_result (&result, WAIT_MS), error);
}

static gboolean
list_keys (LkClient  *client,
           GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  return lk_client_list_keys_finish (client, lk_test_wait_result (&result, WAIT_MS), error);
}

static LkApiKey *
find_row (LkClient   *client,
          const char *key_id)
{
  GListModel *keys = lk_client_get_keys (client);

  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (keys, i);

      if (g_strcmp0 (lk_api_key_get_id (key), key_id) == 0)
        return key;
    }

  return NULL;
}

/* Characters that cannot be seen or that reorder the text around them
 * are refused before anything is sent, wherever they are in the name;
 * emoji sequences and the scripts that need a joiner keep theirs.  A
 * name that holds one anyway (made elsewhere) is shown with it made
 * visible. */
static void
test_names_invisible (void)
{
  static const NameCase cases[] = {
    { "LRE U+202A",              "a\xe2\x80\xaa" "b",         FALSE },
    { "RLE U+202B",              "a\xe2\x80\xab" "b",         FALSE },
    { "PDF U+202C",              "a\xe2\x80\xac" "b",         FALSE },
    { "LRO U+202D",              "a\xe2\x80\xad" "b",         FALSE },
    { "RLO U+202E",              "scanner-prod\xe2\x80\xae" "ved", FALSE },
    { "LRI U+2066",              "a\xe2\x81\xa6" "b",         FALSE },
    { "RLI U+2067",              "a\xe2\x81\xa7" "b",         FALSE },
    { "FSI U+2068",              "a\xe2\x81\xa8" "b",         FALSE },
    { "PDI U+2069",              "a\xe2\x81\xa9" "b",         FALSE },
    { "LRM U+200E",              "a\xe2\x80\x8e" "b",         FALSE },
    { "RLM U+200F",              "a\xe2\x80\x8f" "b",         FALSE },
    { "ALM U+061C",              "a\xd8\x9c" "b",             FALSE },
    { "zero-width space",        "pay\xe2\x80\x8b" "pal",     FALSE },
    { "ZWNJ between Latin",      "pay\xe2\x80\x8c" "pal",     FALSE },
    { "ZWJ between Latin",       "pay\xe2\x80\x8d" "pal",     FALSE },
    { "ZWJ after an emoji, at the end", "key \xf0\x9f\x94\x91\xe2\x80\x8d", FALSE },
    { "word joiner",             "a\xe2\x81\xa0" "b",         FALSE },
    { "BOM",                     "\xef\xbb\xbf" "key",        FALSE },
    { "soft hyphen",             "a\xc2\xad" "b",             FALSE },
    { "tag outside a flag",      "a\xf3\xa0\x81\x81" "b",     FALSE },
    { "Hangul filler",           "a\xe3\x85\xa4" "b",         FALSE },
    { "variation selector after a letter", "ke\xef\xb8\x8f" "y", FALSE },
    { "family",                  "team \xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", TRUE },
    { "skin tone and ZWJ",       "\xf0\x9f\xa7\x91\xf0\x9f\x8f\xbd\xe2\x80\x8d\xf0\x9f\x92\xbb dev", TRUE },
    { "VS16 and ZWJ",            "\xe2\x9d\xa4\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x94\xa5 hot", TRUE },
    { "rainbow flag",            "\xf0\x9f\x8f\xb3\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x8c\x88", TRUE },
    { "flag of England (tags)",  "\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81\xa5\xf3\xa0\x81\xae\xf3\xa0\x81\xa7\xf3\xa0\x81\xbf", TRUE },
    { "keycap",                  "key 1\xef\xb8\x8f\xe2\x83\xa3", TRUE },
    { "Persian ZWNJ",            "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85", TRUE },
    { "Devanagari ZWJ",          "\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8d\xe0\xa4\xb7", TRUE },
  };
  g_autoptr(LkSimulator) sim = lk_simulator_new ();
  g_autoptr(LkApiKey) elsewhere = NULL;
  g_autoptr(GError) error = NULL;
  gint64 expires_at = lk_time_now () + 30 * DAY;
  LkClient *client;

  g_assert_true (lk_simulator_start (sim, 0, NULL, &error));
  g_assert_no_error (error);
  client = client_for (sim);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean valid = lk_validate_key_name (cases[i].name, &local_error);

      g_test_message ("name: %s", cases[i].label);
      if (valid != cases[i].valid)
        g_error ("“%s” should be %s", cases[i].label, cases[i].valid ? "accepted" : "refused");
      if (!valid)
        {
          g_autoptr(LkCreatedKey) created = NULL;
          guint posts = lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS);

          g_assert_error (local_error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
          g_assert_nonnull (strstr (local_error->message, "U+"));
          g_assert_cmpint (lk_key_name_check (cases[i].name), ==, LK_KEY_NAME_INVISIBLE_CHARACTER);
          created = create_key (client, cases[i].name, expires_at, &error);
          g_assert_null (created);
          g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT);
          g_clear_error (&error);
          g_assert_cmpuint (lk_simulator_count_requests (sim, "POST", LK_WIRE_PATH_KEYS), ==, posts);
        }
      else
        {
          g_autofree char *shown = lk_key_name_make_visible (cases[i].name);

          /* What may be in a name is shown as it is. */
          g_assert_cmpstr (shown, ==, cases[i].name);
        }
    }

  /* Made visible: the override, a control character, bytes that are not
   * UTF-8; and a name the platform lists with an override in it. */
  {
    g_autofree char *rlo = lk_key_name_make_visible ("scanner-prod\xe2\x80\xae" "ved");
    g_autofree char *control = lk_key_name_make_visible ("a\x01" "b");
    g_autofree char *broken = lk_key_name_make_visible ("a\xff" "b");
    g_autofree char *none = lk_key_name_make_visible (NULL);
    g_autofree char *listed = NULL;
    LkApiKey *row;

    g_assert_cmpstr (rlo, ==, "scanner-prod\xe2\x9f\xa8U+202E\xe2\x9f\xa9ved");
    g_assert_cmpstr (control, ==, "a\xe2\x9f\xa8U+0001\xe2\x9f\xa9" "b");
    g_assert_cmpstr (broken, ==, "a\xef\xbf\xbd" "b");
    g_assert_cmpstr (none, ==, "");

    elsewhere = lk_simulator_add_key (sim, "prod\xe2\x81\xa7" "db\xe2\x81\xa9 key", NULL, 0, NULL);
    g_assert_true (list_keys (client, &error));
    g_assert_no_error (error);
    row = find_row (client, lk_api_key_get_id (elsewhere));
    g_assert_nonnull (row);
    listed = lk_key_name_make_visible (lk_api_key_get_name (row));
    g_assert_cmpstr (listed, ==, "prod\xe2\x9f\xa8U+2067\xe2\x9f\xa9" "db\xe2\x9f\xa8U+2069\xe2\x9f\xa9 key");
  }

  g_assert_finalize_object (client);
  lk_simulator_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/key-rules/names-invisible", test_names_invisible);

  return g_test_run ();
}

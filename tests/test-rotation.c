/* test-rotation.c: a key replaced by a verified successor, whatever happens
 *
 * The real simulator (in this process, over HTTP on 127.0.0.1, with its
 * fault injection) and the real keyring of the private session; the
 * journal in a state folder of this test's own (XDG_STATE_HOME).  After
 * every case the end state is one of
 *   "old key only": the old key and its item as they were, no successor
 *                   on the platform nor in the keyring;
 *   "rotated":      the successor on the platform with the old key's
 *                   permissions, its secret in the keyring and accepted at
 *                   the token endpoint, and the old key (and its item)
 *                   gone, or its deletion scheduled;
 * and the journal holds no rotation.
 *
 * A kill between steps: this program runs itself as a child
 * (--rotation-child) that signs in, then rotates while a fault holds the
 * request of the step at which it is killed (SIGKILL); the parent then
 * resumes as the next start would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lk-client.h"
#include "lk-credential-store.h"
#include "lk-rotation.h"
#include "lk-simulator.h"
#include "lk-state-file.h"
#include "lk-test-keyring.h"
#include "lk-test-util.h"
#include "lk-time.h"
#include "lk-wire.h"

#define WAIT_MS 60000
#define DAY (24 * 60 * 60)

static char *state_home;

/* ------------------------------------------------------------------------
 * A tenant, a client, an old key
 * ------------------------------------------------------------------------ */

typedef struct {
  LkSimulator       *sim;
  LkCredentialStore *store;
  LkClient          *client;
  LkApiKey          *old_key;       /* as the client lists it */
  char              *old_secret;
} Fixture;

static LkClient *
client_for (LkSimulator       *sim,
            LkCredentialStore *store)
{
  g_autoptr(LkPlatform) platform = lk_simulator_get_platform (sim);
  LkClient *client = lk_client_new (platform);

  lk_client_set_credentials (client, lk_simulator_get_admin_client_id (sim),
                             lk_simulator_get_admin_client_secret (sim));
  lk_client_set_timeout (client, 5);
  lk_client_set_retry_policy (client, 2, 10);
  lk_client_set_store (client, store);
  return client;
}

static void
sign_in_and_list (LkClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GError) error = NULL;

  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  whoami = lk_client_sign_in_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  lk_client_list_keys_async (client, NULL, lk_test_store_result, &result);
  g_assert_true (lk_client_list_keys_finish (client, lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
}

static LkApiKey *
listed_key (LkClient   *client,
            const char *key_id)
{
  GListModel *keys = lk_client_get_keys (client);

  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (keys, i);

      if (g_str_equal (lk_api_key_get_id (key), key_id))
        return g_steal_pointer (&key);
    }
  return NULL;
}

static gboolean
sim_has (LkSimulator *sim,
         const char  *key_id)
{
  g_autoptr(LkApiKey) key = lk_simulator_lookup_key (sim, key_id);

  return key != NULL;
}

static gboolean
sim_has_name (LkSimulator *sim,
              const char  *name)
{
  g_autoptr(LkApiKey) key = lk_simulator_find_key_by_name (sim, name);

  return key != NULL;
}

static const char *
platform_id (Fixture *f)
{
  return lk_platform_get_id (lk_client_get_platform (f->client));
}

/* An old key made "elsewhere" with some permissions, its secret in the
 * keyring; @lifetime_days from now. */
static LkApiKey *
add_old_key (Fixture    *f,
             const char *name,
             char      **out_secret)
{
  LkPermissions permissions = { { 0 } };
  g_autoptr(LkApiKey) added = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  lk_permissions_set (&permissions, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_READ | LK_ACCESS_WRITE);
  lk_permissions_set (&permissions, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ);
  added = lk_simulator_add_key (f->sim, name, &permissions, lk_time_now () + 30 * DAY, out_secret);
  label = lk_test_save_key (f->store, platform_id (f), added, *out_secret, &error);
  g_assert_no_error (error);
  return g_object_ref (added);
}

static void
fixture_set_up (Fixture           *f,
                LkCredentialStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkApiKey) added = NULL;

  f->sim = lk_simulator_new ();
  g_assert_true (lk_simulator_start (f->sim, 0, NULL, &error));
  g_assert_no_error (error);
  f->store = store;
  f->client = client_for (f->sim, f->store);
  added = add_old_key (f, "Scanner in CI", &f->old_secret);
  sign_in_and_list (f->client);
  f->old_key = listed_key (f->client, lk_api_key_get_id (added));
  g_assert_nonnull (f->old_key);
}

static void
fixture_tear_down (Fixture *f)
{
  lk_simulator_clear_faults (f->sim);
  g_clear_object (&f->old_key);
  lk_secret_free (f->old_secret);
  g_assert_finalize_object (f->client);
  lk_simulator_stop (f->sim);
  g_clear_object (&f->sim);
  g_clear_object (&f->store);
}

static LkRotationPlan *
plan_now (Fixture *f)
{
  return lk_rotation_plan_new (f->old_key, lk_client_get_keys (f->client), lk_time_now ());
}

static LkRotationOutcome *
rotate (LkClient              *client,
        const LkRotationPlan  *plan,
        GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_rotation_run_async (client, plan, NULL, lk_test_store_result, &result);
  return lk_rotation_run_finish (lk_test_wait_result (&result, WAIT_MS), error);
}

static LkRotationResume *
resume (LkClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LkRotationResume *done;

  lk_rotation_resume_async (client, NULL, lk_test_store_result, &result);
  done = lk_rotation_resume_finish (lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (done);
  return done;
}

static GPtrArray *
scheduled (LkClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *deletions;

  lk_rotation_list_scheduled_async (lk_client_get_platform (client), NULL, lk_test_store_result, &result);
  deletions = lk_rotation_list_scheduled_finish (lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  return deletions;
}

/* The rotations the journal holds (any platform), and its text. */
static guint
n_journaled (char **out_text)
{
  g_autoptr(LkStateFile) file = lk_state_file_new ("rotations.json");
  g_autoptr(JsonObject) document = lk_state_file_read (file, NULL);

  g_assert_nonnull (document);
  if (out_text != NULL && !g_file_get_contents (lk_state_file_get_path (file), out_text, NULL, NULL))
    *out_text = g_strdup ("");
  if (!json_object_has_member (document, "rotations"))
    return 0;
  return json_array_get_length (json_object_get_array_member (document, "rotations"));
}

static char *
journaled_step (void)
{
  g_autoptr(LkStateFile) file = lk_state_file_new ("rotations.json");
  g_autoptr(JsonObject) document = lk_state_file_read (file, NULL);
  JsonArray *rotations;

  if (document == NULL || !json_object_has_member (document, "rotations"))
    return NULL;
  rotations = json_object_get_array_member (document, "rotations");
  if (json_array_get_length (rotations) == 0)
    return NULL;
  return g_strdup (json_object_get_string_member (json_array_get_object_element (rotations, 0), "step"));
}

/* The secret signs in at the token endpoint, as the key @key_id. */
static void
assert_secret_works (LkSimulator *sim,
                     LkApiKey    *key,
                     const char  *secret)
{
  g_autoptr(LkPlatform) platform = lk_simulator_get_platform (sim);
  g_autoptr(LkClient) client = lk_client_new (platform);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LkApiKey) whoami = NULL;
  g_autoptr(GError) error = NULL;

  lk_client_set_credentials (client, lk_api_key_get_client_id (key), secret);
  lk_client_sign_in_async (client, NULL, lk_test_store_result, &result);
  whoami = lk_client_sign_in_finish (client, lk_test_wait_result (&result, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lk_api_key_get_id (whoami), ==, lk_api_key_get_id (key));
}

static char *
stored_secret (Fixture    *f,
               const char *key_id)
{
  g_autoptr(GError) error = NULL;
  char *secret = lk_test_lookup_key (f->store, platform_id (f), key_id, &error);

  if (secret == NULL)
    g_assert_error (error, LK_STORE_ERROR, LK_STORE_ERROR_NOT_FOUND);
  return secret;
}

/* The key IDs whose secrets the keyring holds for this platform. */
static GHashTable *
stored_ids (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GHashTable *ids = lk_test_find_keys (f->store, platform_id (f), &error);

  g_assert_no_error (error);
  return ids;
}

/* "Old key only": nothing of the successor anywhere. */
static void
assert_old_only (Fixture    *f,
                 const char *successor_name)
{
  g_autoptr(GHashTable) ids = stored_ids (f);
  g_autofree char *secret = NULL;
  g_autofree char *text = NULL;

  g_assert_true (sim_has (f->sim, lk_api_key_get_id (f->old_key)));
  g_assert_false (sim_has_name (f->sim, successor_name));
  g_assert_cmpuint (lk_simulator_get_n_keys (f->sim), ==, 2);   /* the admin's and the old */
  secret = stored_secret (f, lk_api_key_get_id (f->old_key));
  g_assert_cmpstr (secret, ==, f->old_secret);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 1);
  g_assert_true (g_hash_table_contains (ids, lk_api_key_get_id (f->old_key)));
  g_assert_cmpuint (n_journaled (&text), ==, 0);
  g_assert_null (strstr (text, f->old_secret));
}

/* "Rotated": the successor works and is kept; the old key is gone, or
 * (@old_kept) still there with its deletion scheduled or never. */
static void
assert_rotated (Fixture    *f,
                const char *successor_name,
                gboolean    old_kept)
{
  g_autoptr(GHashTable) ids = stored_ids (f);
  g_autofree char *secret = NULL;
  g_autofree char *text = NULL;
  g_autoptr(LkApiKey) successor = lk_simulator_find_key_by_name (f->sim, successor_name);

  g_assert_nonnull (successor);
  g_assert_true (lk_permissions_equal (lk_api_key_get_permissions (successor),
                                       lk_api_key_get_permissions (f->old_key)));
  secret = stored_secret (f, lk_api_key_get_id (successor));
  g_assert_nonnull (secret);
  assert_secret_works (f->sim, successor, secret);
  g_assert_true (g_hash_table_contains (ids, lk_api_key_get_id (successor)));
  if (old_kept)
    {
      g_assert_true (sim_has (f->sim, lk_api_key_get_id (f->old_key)));
      g_assert_true (g_hash_table_contains (ids, lk_api_key_get_id (f->old_key)));
      g_assert_cmpuint (g_hash_table_size (ids), ==, 2);
      g_assert_cmpuint (lk_simulator_get_n_keys (f->sim), ==, 3);
    }
  else
    {
      g_assert_false (sim_has (f->sim, lk_api_key_get_id (f->old_key)));
      g_assert_false (g_hash_table_contains (ids, lk_api_key_get_id (f->old_key)));
      g_assert_cmpuint (g_hash_table_size (ids), ==, 1);
      g_assert_cmpuint (lk_simulator_get_n_keys (f->sim), ==, 2);
    }

  /* Nothing secret in the journal, and no rotation left in it. */
  g_assert_cmpuint (n_journaled (&text), ==, 0);
  g_assert_null (strstr (text, secret));
  g_assert_null (strstr (text, f->old_secret));
}

static gboolean
set_up_keyring (Fixture *f)
{
  if (!lk_test_need_keyring ())
    return FALSE;
  fixture_set_up (f, lk_secret_store_new ());
  return TRUE;
}

/* ------------------------------------------------------------------------
 * The plan's defaults
 * ------------------------------------------------------------------------ */

static void
test_plan (void)
{
  g_autoptr(GListStore) keys = g_list_store_new (LK_TYPE_API_KEY);
  LkPermissions permissions = { { 0 } };
  gint64 now = 1780000000;   /* 2026-05-28 */
  g_autoptr(LkApiKey) old = NULL;
  g_autoptr(LkApiKey) taken = NULL;
  g_autoptr(LkApiKey) long_lived = NULL;
  g_autoptr(LkRotationPlan) plan = NULL;
  g_autofree char *again = NULL;
  g_autofree char *long_name = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *date = lk_time_format_date (now);
  g_autofree char *expected = g_strdup_printf ("CI scanner (rotated %s)", date);
  g_autofree char *expected_2 = g_strdup_printf ("CI scanner (rotated %s) 2", date);

  lk_permissions_set (&permissions, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_WRITE);
  old = lk_api_key_new ("id-1", "CI scanner", "client-1", NULL, now - 40 * DAY, now - 10 * DAY, &permissions);
  g_list_store_append (keys, old);

  /* Same permissions, the old lifetime (30 days), the suffix, deleted now. */
  plan = lk_rotation_plan_new (old, G_LIST_MODEL (keys), now);
  g_assert_cmpstr (plan->old_key_id, ==, "id-1");
  g_assert_cmpstr (plan->name, ==, expected);
  g_assert_true (lk_permissions_equal (&plan->permissions, &permissions));
  g_assert_cmpint (plan->expires_at, ==, now + 30 * DAY);
  g_assert_true (lk_validate_expiry (now, plan->expires_at, NULL));
  g_assert_cmpint (plan->delete_old, ==, LK_ROTATION_DELETE_NOW);

  /* Names are unique: the next is numbered.  Rotated again, one suffix. */
  taken = lk_api_key_new ("id-2", expected, "client-2", NULL, now, now + DAY, &permissions);
  g_list_store_append (keys, taken);
  g_clear_pointer (&plan, lk_rotation_plan_free);
  plan = lk_rotation_plan_new (old, G_LIST_MODEL (keys), now);
  g_assert_cmpstr (plan->name, ==, expected_2);
  again = lk_rotation_successor_name (expected, NULL, now);
  g_assert_cmpstr (again, ==, expected);

  /* A name at the length limit is cut to make room, and stays valid. */
  long_name = g_strnfill (64, 'x');
  cut = lk_rotation_successor_name (long_name, NULL, now);
  g_assert_cmpint (g_utf8_strlen (cut, -1), <=, LK_WIRE_NAME_MAX_CHARS);
  g_assert_true (lk_validate_key_name (cut, NULL));
  g_assert_true (g_str_has_suffix (cut, ")"));

  /* Lifetimes within the platform's 1 to 365 days. */
  long_lived = lk_api_key_new ("id-3", "Long", "client-3", NULL, now - 900 * DAY, now + 100 * DAY, &permissions);
  g_assert_true (lk_validate_expiry (now, lk_rotation_successor_expiry (long_lived, now), NULL));
  g_assert_cmpint (lk_time_days_between (now, lk_rotation_successor_expiry (long_lived, now)), >=, 364);
  g_clear_object (&long_lived);
  long_lived = lk_api_key_new ("id-4", "Short", "client-4", NULL, now - 3600, now, &permissions);
  g_assert_true (lk_validate_expiry (now, lk_rotation_successor_expiry (long_lived, now), NULL));
}

/* ------------------------------------------------------------------------
 * Rotate now, rotate later
 * ------------------------------------------------------------------------ */

static void
test_now (void)
{
  Fixture f = { 0 };
  g_autoptr(LkRotationPlan) plan = NULL;
  g_autoptr(LkRotationOutcome) outcome = NULL;
  g_autoptr(GPtrArray) deletions = NULL;
  g_autoptr(GError) error = NULL;

  if (!set_up_keyring (&f))
    return;

  plan = plan_now (&f);
  outcome = rotate (f.client, plan, &error);
  g_assert_no_error (error);
  g_assert_nonnull (outcome);
  g_assert_true (outcome->old_deleted);
  g_assert_null (outcome->delete_error);
  g_assert_nonnull (outcome->successor);
  g_assert_true (outcome->successor->stored);
  g_assert_cmpstr (outcome->successor_name, ==, plan->name);

  /* The verification was a token request of the successor's own. */
  g_assert_cmpuint (lk_simulator_count_requests (f.sim, "POST", LK_WIRE_PATH_TOKEN), ==, 2);
  assert_rotated (&f, plan->name, FALSE);

  /* The client's list says so too. */
  g_assert_null (listed_key (f.client, lk_api_key_get_id (f.old_key)));
  g_assert_nonnull (listed_key (f.client, outcome->successor_id));
  deletions = scheduled (f.client);
  g_assert_cmpuint (deletions->len, ==, 0);

  fixture_tear_down (&f);
}

static gint64 clock_offset;

static gint64
moved_clock (gpointer user_data)
{
  return g_get_real_time () / G_USEC_PER_SEC + clock_offset;
}

static void
test_later (void)
{
  Fixture f = { 0 };
  g_autoptr(LkRotationPlan) plan = NULL;
  g_autoptr(LkRotationOutcome) outcome = NULL;
  g_autoptr(LkRotationResume) done = NULL;
  g_autoptr(GPtrArray) deletions = NULL;
  g_autoptr(GError) error = NULL;
  LkScheduledDeletion *deletion;
  LkClient *next_start;

  if (!set_up_keyring (&f))
    return;

  plan = plan_now (&f);
  plan->delete_old = LK_ROTATION_DELETE_LATER;
  plan->delete_at = lk_time_now () + 3600;
  outcome = rotate (f.client, plan, &error);
  g_assert_no_error (error);
  g_assert_false (outcome->old_deleted);
  g_assert_cmpint (outcome->delete_at, ==, plan->delete_at);

  /* Both keys work meanwhile; the deletion is listed. */
  assert_rotated (&f, plan->name, TRUE);
  assert_secret_works (f.sim, f.old_key, f.old_secret);
  deletions = scheduled (f.client);
  g_assert_cmpuint (deletions->len, ==, 1);
  deletion = g_ptr_array_index (deletions, 0);
  g_assert_cmpstr (deletion->key_id, ==, lk_api_key_get_id (f.old_key));
  g_assert_cmpstr (deletion->name, ==, "Scanner in CI");
  g_assert_cmpstr (deletion->successor_name, ==, plan->name);
  g_assert_cmpint (deletion->delete_at, ==, plan->delete_at);

  /* Not due yet: a start does nothing to it. */
  done = resume (f.client);
  g_assert_cmpuint (done->deleted->len, ==, 0);
  g_assert_true (sim_has (f.sim, lk_api_key_get_id (f.old_key)));
  g_clear_pointer (&done, lk_rotation_resume_free);

  /* Two hours later on both clocks, the app starts again. */
  clock_offset = 2 * 3600;
  lk_simulator_set_now (f.sim, lk_time_now () + clock_offset);
  lk_time_set_clock (moved_clock, NULL);
  next_start = client_for (f.sim, f.store);
  sign_in_and_list (next_start);
  done = resume (next_start);
  g_assert_cmpuint (done->deleted->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (done->deleted, 0), ==, "Scanner in CI");
  g_assert_cmpuint (done->failed->len, ==, 0);
  assert_rotated (&f, plan->name, FALSE);
  g_clear_pointer (&deletions, g_ptr_array_unref);
  deletions = scheduled (next_start);
  g_assert_cmpuint (deletions->len, ==, 0);

  lk_time_set_clock (NULL, NULL);
  g_assert_finalize_object (next_start);
  fixture_tear_down (&f);
}

/* Cancelled, brought forward, kept. */
static void
test_reschedule (void)
{
  Fixture f = { 0 };
  g_autoptr(LkRotationPlan) plan = NULL;
  g_autoptr(LkRotationOutcome) outcome = NULL;
  g_autoptr(GPtrArray) deletions = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LkPlatform *platform;

  if (!set_up_keyring (&f))
    return;
  platform = lk_client_get_platform (f.client);

  plan = plan_now (&f);
  plan->delete_old = LK_ROTATION_DELETE_LATER;
  plan->delete_at = lk_time_now () + 7 * DAY;
  outcome = rotate (f.client, plan, &error);
  g_assert_no_error (error);

  /* Brought forward to now: the next run of due deletions takes it. */
  lk_rotation_reschedule_async (platform, lk_api_key_get_id (f.old_key), lk_time_now (), NULL,
                                lk_test_store_result, &result);
  g_assert_true (lk_rotation_reschedule_finish (lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  lk_rotation_run_due_async (f.client, NULL, lk_test_store_result, &result);
  deleted = lk_rotation_run_due_finish (lk_test_wait_result (&result, WAIT_MS), &failed, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (deleted->len, ==, 1);
  g_assert_cmpuint (failed->len, ==, 0);
  assert_rotated (&f, plan->name, FALSE);

  /* Nothing left to cancel. */
  lk_rotation_reschedule_async (platform, lk_api_key_get_id (f.old_key), 0, NULL,
                                lk_test_store_result, &result);
  g_assert_false (lk_rotation_reschedule_finish (lk_test_wait_result (&result, WAIT_MS), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The successor rotated in its turn, its deletion cancelled: it stays. */
  {
    g_autoptr(LkApiKey) successor = listed_key (f.client, outcome->successor_id);
    g_autoptr(LkRotationPlan) second = lk_rotation_plan_new (successor, lk_client_get_keys (f.client), lk_time_now ());
    g_autoptr(LkRotationOutcome) second_outcome = NULL;

    second->delete_old = LK_ROTATION_DELETE_LATER;
    second->delete_at = lk_time_now () + DAY;
    second_outcome = rotate (f.client, second, &error);
    g_assert_no_error (error);
    lk_rotation_reschedule_async (platform, outcome->successor_id, 0, NULL, lk_test_store_result, &result);
    g_assert_true (lk_rotation_reschedule_finish (lk_test_wait_result (&result, WAIT_MS), &error));
    g_assert_no_error (error);
    deletions = scheduled (f.client);
    g_assert_cmpuint (deletions->len, ==, 0);
    g_assert_true (sim_has (f.sim, outcome->successor_id));
    g_assert_true (sim_has (f.sim, second_outcome->successor_id));
  }

  fixture_tear_down (&f);
}

/* ------------------------------------------------------------------------
 * A fault at each step
 * ------------------------------------------------------------------------ */

/* One fault case: the rotation of the old key at once (plan_now()),
 * after @arrange set the fault up; then the answer, then what @check
 * finds afterwards. */
typedef struct {
  Fixture             f;
  LkRotationPlan     *plan;
  LkRotationOutcome  *outcome;
  GError             *error;
  LkApiKey           *other;          /* create-refused: took the name */
  char               *other_secret;
} FaultRun;

typedef struct {
  const char  *path;
  gboolean     memory_store;          /* else the real keyring */
  void       (*arrange) (FaultRun *run);
  /* Undoes the fault right after the rotation, or NULL. */
  void       (*undo)    (FaultRun *run);
  int          error_code;            /* an LK_ROTATION_ERROR, or -1 for none */
  const char  *message_part;          /* in the error's message, or NULL */
  void       (*check)   (FaultRun *run);
} FaultCase;

static void
run_fault_case (gconstpointer data)
{
  const FaultCase *fault = data;
  FaultRun run = { { 0 } };

  if (fault->memory_store)
    fixture_set_up (&run.f, lk_memory_store_new ());
  else if (!set_up_keyring (&run.f))
    return;

  run.plan = plan_now (&run.f);
  fault->arrange (&run);
  run.outcome = rotate (run.f.client, run.plan, &run.error);
  if (fault->undo != NULL)
    fault->undo (&run);

  if (fault->error_code < 0)
    {
      g_assert_no_error (run.error);
    }
  else
    {
      g_assert_null (run.outcome);
      g_assert_error (run.error, LK_ROTATION_ERROR, fault->error_code);
    }
  if (fault->message_part != NULL)
    g_assert_nonnull (strstr (run.error->message, fault->message_part));

  fault->check (&run);

  g_clear_object (&run.other);
  g_free (run.other_secret);
  g_clear_error (&run.error);
  g_clear_pointer (&run.outcome, lk_rotation_outcome_free);
  g_clear_pointer (&run.plan, lk_rotation_plan_free);
  fixture_tear_down (&run.f);
}

/* The platform refuses the create (the name was taken meanwhile). */
static void
arrange_name_taken (FaultRun *run)
{
  run->other = lk_simulator_add_key (run->f.sim, run->plan->name, NULL, 0, &run->other_secret);
}

static void
check_create_refused (FaultRun *run)
{
  g_assert_null (strstr (run->error->message, run->other_secret));

  lk_simulator_remove_key (run->f.sim, lk_api_key_get_id (run->other));
  lk_test_spin (100);
  assert_old_only (&run->f, run->plan->name);
}

/* The create fails with an answer that does not say whether it was made
 * (500s past the retries): the journal keeps it; the next start settles
 * it. */
static void
arrange_create_500 (FaultRun *run)
{
  lk_simulator_add_fault (run->f.sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_HTTP_500, 0, 0);
}

static void
check_create_fails (FaultRun *run)
{
  g_autoptr(LkRotationResume) done = NULL;
  g_autofree char *step = NULL;

  step = journaled_step ();
  g_assert_cmpstr (step, ==, "create");
  lk_simulator_clear_faults (run->f.sim);

  /* The next start sends the very create again (within the platform's
   * idempotency window), and the rotation goes on from there. */
  done = resume (run->f.client);
  g_assert_cmpuint (done->completed->len, ==, 1);
  g_assert_cmpuint (done->rolled_back->len, ==, 0);
  g_assert_cmpuint (done->failed->len, ==, 0);
  assert_rotated (&run->f, run->plan->name, FALSE);
}

/* The create's reply is lost once: the resend with the same
 * Idempotency-Key gets the one successor back. */
static void
arrange_create_reply_lost (FaultRun *run)
{
  lk_simulator_add_fault (run->f.sim, "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_DROP_AFTER_COMMIT, 0, 1);
}

static void
check_create_reply_lost (FaultRun *run)
{
  g_assert_cmpuint (lk_simulator_count_requests (run->f.sim, "POST", LK_WIRE_PATH_KEYS), ==, 2);
  assert_rotated (&run->f, run->plan->name, FALSE);
}

/* The keyring does not take the successor's secret: it is deleted again,
 * and nothing is left to recover. */
static void
arrange_keyring_locked (FaultRun *run)
{
  lk_memory_store_set_failure (LK_MEMORY_STORE (run->f.store), LK_STORE_ERROR_LOCKED);
}

static void
undo_keyring_locked (FaultRun *run)
{
  lk_memory_store_set_failure (LK_MEMORY_STORE (run->f.store), -1);
}

static void
check_keyring_refuses (FaultRun *run)
{
  g_autoptr(LkRotationResume) done = NULL;
  g_autofree char *unsettled = NULL;
  g_autofree char *unsettled_path = g_build_filename (state_home, "layer-keys", "unsettled-creates.json", NULL);

  g_assert_cmpuint (lk_simulator_count_requests (run->f.sim, "DELETE", LK_WIRE_PATH_KEY_PREFIX), ==, 1);

  lk_test_spin (300);
  assert_old_only (&run->f, run->plan->name);
  /* The create is settled: a later start does not bring the deleted
   * successor's secret back into the keyring. */
  if (g_file_get_contents (unsettled_path, &unsettled, NULL, NULL))
    g_assert_null (strstr (unsettled, run->plan->name));
  done = resume (run->f.client);
  g_assert_cmpuint (done->recovered->len, ==, 0);
  assert_old_only (&run->f, run->plan->name);
}

/* The token endpoint refuses the successor: rolled back. */
static void
arrange_token_401 (FaultRun *run)
{
  /* The admin's token is cached: the next token request is the successor's. */
  lk_simulator_add_fault (run->f.sim, "POST", LK_WIRE_PATH_TOKEN, LK_SIM_FAULT_HTTP_401, 0, 1);
}

static void
check_token_refused (FaultRun *run)
{
  assert_old_only (&run->f, run->plan->name);
}

/* The old key cannot be deleted: the successor is kept, the old key's
 * deletion is due at once, and the next run carries it out. */
static void
arrange_delete_500 (FaultRun *run)
{
  g_autofree char *path = g_strconcat (LK_WIRE_PATH_KEY_PREFIX, lk_api_key_get_id (run->f.old_key), NULL);

  lk_simulator_add_fault (run->f.sim, "DELETE", path, LK_SIM_FAULT_HTTP_500, 0, 0);
}

static void
check_delete_fails (FaultRun *run)
{
  Fixture *f = &run->f;
  LkRotationOutcome *outcome = run->outcome;
  g_autoptr(LkRotationResume) done = NULL;
  g_autoptr(GPtrArray) deletions = NULL;

  g_assert_false (outcome->old_deleted);
  g_assert_error (outcome->delete_error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_SERVER_ERROR);
  g_assert_cmpint (outcome->delete_at, >, 0);
  g_assert_cmpint (outcome->delete_at, <=, lk_time_now ());
  assert_rotated (f, run->plan->name, TRUE);
  deletions = scheduled (f->client);
  g_assert_cmpuint (deletions->len, ==, 1);

  /* Still failing: it stays scheduled, with a reason. */
  done = resume (f->client);
  g_assert_cmpuint (done->deleted->len, ==, 0);
  g_assert_cmpuint (done->failed->len, ==, 1);
  g_clear_pointer (&done, lk_rotation_resume_free);

  lk_simulator_clear_faults (f->sim);
  done = resume (f->client);
  g_assert_cmpuint (done->deleted->len, ==, 1);
  g_assert_cmpuint (done->failed->len, ==, 0);
  assert_rotated (f, run->plan->name, FALSE);
  g_clear_pointer (&deletions, g_ptr_array_unref);
  deletions = scheduled (f->client);
  g_assert_cmpuint (deletions->len, ==, 0);
}

static const FaultCase fault_cases[] = {
  { "/lk/rotation/fault/create-refused", FALSE, arrange_name_taken, NULL,
    LK_ROTATION_ERROR_NOT_CREATED, "Scanner in CI", check_create_refused },
  { "/lk/rotation/fault/create-fails", FALSE, arrange_create_500, NULL,
    LK_ROTATION_ERROR_UNFINISHED, NULL, check_create_fails },
  { "/lk/rotation/fault/create-reply-lost", FALSE, arrange_create_reply_lost, NULL,
    -1, NULL, check_create_reply_lost },
  { "/lk/rotation/fault/keyring-refuses", TRUE, arrange_keyring_locked, undo_keyring_locked,
    LK_ROTATION_ERROR_ROLLED_BACK, "keyring", check_keyring_refuses },
  { "/lk/rotation/fault/token-refused", FALSE, arrange_token_401, NULL,
    LK_ROTATION_ERROR_ROLLED_BACK, "could not sign in", check_token_refused },
  { "/lk/rotation/fault/delete-fails", FALSE, arrange_delete_500, NULL,
    -1, NULL, check_delete_fails },
};

/* ------------------------------------------------------------------------
 * A kill between steps
 * ------------------------------------------------------------------------ */

/* The child: signs in, says "ready NAME" (the successor's name), waits
 * for a line, rotates. */
static int
child_main (const char *api_base,
            const char *old_key_id)
{
  g_autofree char *token_url = g_strconcat (api_base, LK_WIRE_PATH_TOKEN, NULL);
  g_autoptr(LkPlatform) platform = NULL;
  g_autoptr(LkCredentialStore) store = lk_secret_store_new ();
  g_autoptr(LkClient) client = NULL;
  g_autoptr(LkApiKey) old = NULL;
  g_autoptr(LkRotationPlan) plan = NULL;
  g_autoptr(LkRotationOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;
  char line[64];

  platform = lk_platform_new_custom (api_base, token_url, NULL, &error);
  g_assert_no_error (error);
  client = lk_client_new (platform);
  lk_client_set_credentials (client, g_getenv ("LK_TEST_ADMIN_ID"), g_getenv ("LK_TEST_ADMIN_SECRET"));
  lk_client_set_timeout (client, 5);
  lk_client_set_store (client, store);
  sign_in_and_list (client);
  old = listed_key (client, old_key_id);
  g_assert_nonnull (old);
  plan = lk_rotation_plan_new (old, lk_client_get_keys (client), lk_time_now ());

  g_print ("ready %s\n", plan->name);
  fflush (stdout);
  if (fgets (line, sizeof line, stdin) == NULL)
    return 1;

  outcome = rotate (client, plan, &error);
  g_print ("done %s\n", error != NULL ? error->message : "");
  return 0;
}

typedef struct {
  const char *step;            /* the journal's step at the kill */
  const char *method;          /* the request held (or dropped) */
  const char *path;
  LkSimFault  fault;
  gboolean    refuse_token;    /* the successor's token is refused first */
  gboolean    made;            /* wait until the successor exists */
  gboolean    rotated;         /* the expected end: rotated, else old only */
} KillCase;

static gboolean
child_reached (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  const KillCase *kc = ((gpointer *) data)[1];
  const char *name = ((gpointer *) data)[2];
  g_autofree char *step = journaled_step ();
  g_autoptr(LkApiKey) made = NULL;

  if (g_strcmp0 (step, kc->step) != 0 ||
      lk_simulator_count_requests (f->sim, kc->method, kc->path) == 0)
    return FALSE;
  if (!kc->made)
    return TRUE;
  made = lk_simulator_find_key_by_name (f->sim, name);
  return made != NULL;
}

static char *
read_line (GDataInputStream *out)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, lk_test_store_result, &result);
  line = g_data_input_stream_read_line_finish (out, lk_test_wait_result (&result, WAIT_MS), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
test_kill (gconstpointer data)
{
  const KillCase *kc = data;
  Fixture f = { 0 };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(LkRotationResume) done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *step = NULL;
  const char *name;
  LkClient *next_start;
  gpointer reach[3];

  if (!set_up_keyring (&f))
    return;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "LK_TEST_ADMIN_ID", lk_simulator_get_admin_client_id (f.sim), TRUE);
  g_subprocess_launcher_setenv (launcher, "LK_TEST_ADMIN_SECRET", lk_simulator_get_admin_client_secret (f.sim), TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, "/proc/self/exe", "--rotation-child",
                                       lk_simulator_get_base_url (f.sim), lk_api_key_get_id (f.old_key), NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  /* Signed in (its token is cached): now the faults. */
  ready = read_line (out);
  g_assert_true (g_str_has_prefix (ready, "ready "));
  name = ready + strlen ("ready ");
  if (kc->refuse_token)
    lk_simulator_add_fault (f.sim, "POST", LK_WIRE_PATH_TOKEN, LK_SIM_FAULT_HTTP_401, 0, 1);
  lk_simulator_add_fault (f.sim, kc->method, kc->path, kc->fault, 0, 0);
  g_assert_true (g_output_stream_write_all (g_subprocess_get_stdin_pipe (child), "go\n", 3, NULL, NULL, &error));
  g_assert_no_error (error);

  /* At the step, its request sent: killed. */
  reach[0] = &f;
  reach[1] = (gpointer) kc;
  reach[2] = (gpointer) name;
  g_assert_true (lk_test_wait_until (child_reached, reach, WAIT_MS));
  g_subprocess_force_exit (child);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (child));
  step = journaled_step ();
  g_assert_cmpstr (step, ==, kc->step);
  lk_simulator_clear_faults (f.sim);

  /* The next start. */
  next_start = client_for (f.sim, f.store);
  sign_in_and_list (next_start);
  done = resume (next_start);
  g_assert_cmpuint (done->failed->len, ==, 0);
  if (kc->rotated)
    {
      g_assert_cmpuint (done->completed->len, ==, 1);
      assert_rotated (&f, name, FALSE);
    }
  else
    {
      g_assert_cmpuint (done->rolled_back->len, ==, 1);
      assert_old_only (&f, name);
    }

  g_assert_finalize_object (next_start);
  fixture_tear_down (&f);
}

static const KillCase kill_cases[] = {
  /* The create never answered: the next start sends it again. */
  { "create", "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_NO_REPLY, FALSE, FALSE, TRUE },
  { "create", "POST", LK_WIRE_PATH_KEYS, LK_SIM_FAULT_DROP_AFTER_COMMIT, FALSE, TRUE, TRUE },
  { "verify", "POST", LK_WIRE_PATH_TOKEN, LK_SIM_FAULT_NO_REPLY, FALSE, TRUE, TRUE },
  { "delete", "DELETE", LK_WIRE_PATH_KEY_PREFIX, LK_SIM_FAULT_NO_REPLY, FALSE, TRUE, TRUE },
  { "rollback", "DELETE", LK_WIRE_PATH_KEY_PREFIX, LK_SIM_FAULT_NO_REPLY, TRUE, TRUE, FALSE },
};
static const char * const kill_names[] = {
  "create-sent", "create-made", "verify", "delete", "rollback",
};

/* ------------------------------------------------------------------------
 * Fifty keys
 * ------------------------------------------------------------------------ */

static void
test_bulk (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) olds = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_secret_free);
  guint rotated = 0, intact = 0;

  if (!set_up_keyring (&f))
    return;

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *name = g_strdup_printf ("Workload %02u", i);
      char *secret = NULL;

      g_ptr_array_add (olds, add_old_key (&f, name, &secret));
      g_ptr_array_add (secrets, secret);
    }
  sign_in_and_list (f.client);

  for (guint i = 0; i < olds->len; i++)
    {
      g_autoptr(LkApiKey) old = listed_key (f.client, lk_api_key_get_id (g_ptr_array_index (olds, i)));
      g_autoptr(LkRotationPlan) plan = lk_rotation_plan_new (old, lk_client_get_keys (f.client), lk_time_now ());
      g_autoptr(LkRotationOutcome) outcome = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(LkApiKey) successor = NULL;
      g_autoptr(LkApiKey) still = NULL;

      /* Every seventh successor is refused at the token endpoint. */
      if (i % 7 == 3)
        lk_simulator_add_fault (f.sim, "POST", LK_WIRE_PATH_TOKEN, LK_SIM_FAULT_HTTP_401, 0, 1);
      outcome = rotate (f.client, plan, &error);
      successor = lk_simulator_find_key_by_name (f.sim, plan->name);
      still = lk_simulator_lookup_key (f.sim, lk_api_key_get_id (old));
      if (outcome != NULL)
        {
          g_autofree char *secret = stored_secret (&f, outcome->successor_id);

          g_assert_no_error (error);
          g_assert_nonnull (successor);
          g_assert_null (still);
          g_assert_cmpstr (secret, ==, outcome->successor->client_secret);
          rotated++;
        }
      else
        {
          g_autofree char *secret = stored_secret (&f, lk_api_key_get_id (old));

          /* Left intact, with a reason. */
          g_assert_error (error, LK_ROTATION_ERROR, LK_ROTATION_ERROR_ROLLED_BACK);
          g_assert_cmpuint (strlen (error->message), >, 0);
          g_assert_true (i % 7 == 3);
          g_assert_null (successor);
          g_assert_nonnull (still);
          g_assert_cmpstr (secret, ==, g_ptr_array_index (secrets, i));
          intact++;
        }
    }

  g_assert_cmpuint (rotated, ==, 43);
  g_assert_cmpuint (intact, ==, 7);
  g_assert_cmpuint (lk_simulator_get_n_keys (f.sim), ==, 2 + 50);
  g_assert_cmpuint (n_journaled (NULL), ==, 0);
  fixture_tear_down (&f);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (argc == 4 && g_str_equal (argv[1], "--rotation-child"))
    return child_main (argv[2], argv[3]);

  /* Before anything asks GLib where the state folder is. */
  state_home = g_dir_make_tmp ("lk-rotation-XXXXXX", NULL);
  g_assert_nonnull (state_home);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/rotation/plan", test_plan);
  g_test_add_func ("/lk/rotation/now", test_now);
  g_test_add_func ("/lk/rotation/later", test_later);
  g_test_add_func ("/lk/rotation/reschedule", test_reschedule);
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    g_test_add_data_func (fault_cases[i].path, &fault_cases[i], run_fault_case);
  for (guint i = 0; i < G_N_ELEMENTS (kill_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/lk/rotation/kill/", kill_names[i], NULL);

      g_test_add_data_func (path, &kill_cases[i], test_kill);
    }
  g_test_add_func ("/lk/rotation/bulk", test_bulk);

  ret = g_test_run ();

  {
    g_autofree char *folder = g_build_filename (state_home, "layer-keys", NULL);
    g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (folder, name, NULL);

        g_unlink (path);
      }
    g_rmdir (folder);
    g_rmdir (state_home);
  }
  g_free (state_home);
  return ret;
}

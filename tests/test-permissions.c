/* test-permissions.c: the permission model, its summaries, its JSON and
 * the seed's tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <string.h>

#include "lk-error.h"
#include "lk-permissions.h"
#include "lk-wire.h"

static void
test_bits (void)
{
  g_autoptr(LkPermissions) p = lk_permissions_new ();

  g_assert_true (lk_permissions_is_empty (p));
  g_assert_false (lk_permissions_is_all (p));

  lk_permissions_set (p, LK_CATEGORY_USERS, LK_ACCESS_READ);
  g_assert_cmpint (lk_permissions_get (p, LK_CATEGORY_USERS), ==, LK_ACCESS_READ);
  g_assert_false (lk_permissions_is_empty (p));

  lk_permissions_add (p, LK_CATEGORY_USERS, LK_ACCESS_DELETE);
  g_assert_cmpint (lk_permissions_get (p, LK_CATEGORY_USERS), ==, LK_ACCESS_READ | LK_ACCESS_DELETE);

  /* set replaces, add merges */
  lk_permissions_set (p, LK_CATEGORY_USERS, LK_ACCESS_WRITE);
  g_assert_cmpint (lk_permissions_get (p, LK_CATEGORY_USERS), ==, LK_ACCESS_WRITE);

  /* Bits beyond the three are dropped. */
  lk_permissions_set (p, LK_CATEGORY_DETECTIONS, 0xff);
  g_assert_cmpint (lk_permissions_get (p, LK_CATEGORY_DETECTIONS), ==, LK_ACCESS_ALL);

  g_assert_true (lk_permissions_allows (p, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ | LK_ACCESS_DELETE));
  g_assert_true (lk_permissions_allows (p, LK_CATEGORY_USERS, LK_ACCESS_WRITE));
  g_assert_false (lk_permissions_allows (p, LK_CATEGORY_USERS, LK_ACCESS_READ));
  g_assert_false (lk_permissions_allows (p, LK_CATEGORY_API_KEYS, LK_ACCESS_READ));
  g_assert_true (lk_permissions_allows (p, LK_CATEGORY_API_KEYS, LK_ACCESS_NONE));

  lk_permissions_set_all (p);
  g_assert_true (lk_permissions_is_all (p));
  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    g_assert_cmpint (lk_permissions_get (p, i), ==, LK_ACCESS_ALL);

  lk_permissions_clear (p);
  g_assert_true (lk_permissions_is_empty (p));
}

static void
test_copy_equal (void)
{
  LkPermissions a = { { 0 } };
  g_autoptr(LkPermissions) b = NULL;
  LkPermissions c;

  lk_permissions_set (&a, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_WRITE);
  b = lk_permissions_copy (&a);
  g_assert_true (lk_permissions_equal (&a, b));

  c = a;  /* a value type */
  g_assert_true (lk_permissions_equal (&a, &c));

  lk_permissions_add (b, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_READ);
  g_assert_false (lk_permissions_equal (&a, b));

  /* The boxed type copies too. */
  {
    GValue value = G_VALUE_INIT;
    const LkPermissions *boxed;

    g_value_init (&value, LK_TYPE_PERMISSIONS);
    g_value_set_boxed (&value, &a);
    boxed = g_value_get_boxed (&value);
    g_assert_true (boxed != &a);
    g_assert_true (lk_permissions_equal (boxed, &a));
    g_value_unset (&value);
  }
}

static void
test_contains_union (void)
{
  LkPermissions have = { { 0 } }, need = { { 0 } }, empty = { { 0 } }, all;

  lk_permissions_set_all (&all);
  lk_permissions_set (&have, LK_CATEGORY_API_KEYS, LK_ACCESS_READ | LK_ACCESS_WRITE);

  g_assert_true (lk_permissions_contains (&have, &empty));
  g_assert_true (lk_permissions_contains (&all, &have));
  g_assert_false (lk_permissions_contains (&have, &all));
  g_assert_true (lk_permissions_contains (&have, &have));

  lk_permissions_set (&need, LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE);
  g_assert_true (lk_permissions_contains (&have, &need));

  lk_permissions_set (&need, LK_CATEGORY_API_KEYS, LK_ACCESS_DELETE);
  g_assert_false (lk_permissions_contains (&have, &need));

  lk_permissions_set (&need, LK_CATEGORY_API_KEYS, LK_ACCESS_READ);
  lk_permissions_set (&need, LK_CATEGORY_USERS, LK_ACCESS_READ);
  g_assert_false (lk_permissions_contains (&have, &need));

  lk_permissions_union (&have, &need);
  g_assert_cmpint (lk_permissions_get (&have, LK_CATEGORY_API_KEYS), ==, LK_ACCESS_READ | LK_ACCESS_WRITE);
  g_assert_cmpint (lk_permissions_get (&have, LK_CATEGORY_USERS), ==, LK_ACCESS_READ);
  g_assert_true (lk_permissions_contains (&have, &need));
}

static char *
summary_of (const char *spec)
{
  /* spec: "category=rwd;..." with category as the enum index */
  LkPermissions p = { { 0 } };
  g_auto(GStrv) parts = g_strsplit (spec, ";", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      g_assert_true (parts[i][1] == '=');
      for (const char *c = parts[i] + 2; *c; c++)
        lk_permissions_add (&p, parts[i][0] - '0',
                            *c == 'r' ? LK_ACCESS_READ :
                            *c == 'w' ? LK_ACCESS_WRITE : LK_ACCESS_DELETE);
    }

  return lk_permissions_to_summary (&p);
}

static void
test_summary (void)
{
  static const struct {
    const char *spec;
    const char *summary;
  } cases[] = {
    { "", "No permissions" },
    { "0=rwd;1=rwd;2=rwd;3=rwd;4=rwd;5=rwd", "All permissions" },
    { "3=rw;4=w", "Model Inventory: Read, Write · Model Scanner: Write" },
    /* order of access is Read, Write, Delete whatever the order set */
    { "0=dwr", "API Keys: Read, Write, Delete" },
    { "0=d", "API Keys: Delete" },
    { "5=dr", "Users: Read, Delete" },
    /* categories in table order */
    { "5=r;0=r;2=w", "API Keys: Read · Inference: Write · Users: Read" },
    /* all but one category full is not "All permissions" */
    { "0=rwd;1=rwd;2=rwd;3=rwd;4=rwd;5=rw",
      "API Keys: Read, Write, Delete · Detections: Read, Write, Delete · "
      "Inference: Read, Write, Delete · Model Inventory: Read, Write, Delete · "
      "Model Scanner: Read, Write, Delete · Users: Read, Write" },
    { "1=r", "Detections: Read" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *summary = summary_of (cases[i].spec);

      g_assert_cmpstr (summary, ==, cases[i].summary);
    }
}

static void
test_names (void)
{
  static const char *const names[LK_N_CATEGORIES] = {
    "API Keys", "Detections", "Inference", "Model Inventory", "Model Scanner", "Users",
  };
  static const char *const wire_names[LK_N_CATEGORIES] = {
    "api_keys", "detections", "inference", "model_inventory", "model_scanner", "users",
  };
  g_autofree char *described = NULL;

  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    {
      LkCategory category = LK_N_CATEGORIES;

      g_assert_cmpstr (lk_category_get_name (i), ==, names[i]);
      g_assert_cmpstr (lk_category_get_wire_name (i), ==, wire_names[i]);
      g_assert_true (lk_category_from_wire_name (wire_names[i], &category));
      g_assert_cmpint (category, ==, i);
      g_assert_nonnull (lk_category_get_description (i));
    }

  /* From the seed's "API Resources" table. */
  g_assert_cmpstr (lk_category_get_description (LK_CATEGORY_API_KEYS), ==,
                   "The keys for interacting with the HiddenLayer API.");
  g_assert_cmpstr (lk_category_get_description (LK_CATEGORY_DETECTIONS), ==,
                   "A Detection is a grouping of convictions, which are malicious events.");
  g_assert_cmpstr (lk_category_get_description (LK_CATEGORY_INFERENCE), ==,
                   "An Inference is the process where a model makes predictions or draws conclusions from new data.");
  g_assert_cmpstr (lk_category_get_description (LK_CATEGORY_MODEL_INVENTORY), ==,
                   "The Model Inventory is for model scans.");
  g_assert_cmpstr (lk_category_get_description (LK_CATEGORY_MODEL_SCANNER), ==,
                   "The permissions for the Model Scanner CLI when deployed in Hybrid Mode.");
  g_assert_cmpstr (lk_category_get_description (LK_CATEGORY_USERS), ==,
                   "Users who have access to the HiddenLayer Console.");

  g_assert_false (lk_category_from_wire_name ("API_KEYS", NULL));
  g_assert_false (lk_category_from_wire_name ("", NULL));
  g_assert_false (lk_category_from_wire_name (NULL, NULL));

  g_assert_cmpstr (lk_access_get_name (LK_ACCESS_READ), ==, "Read");
  g_assert_cmpstr (lk_access_get_name (LK_ACCESS_WRITE), ==, "Write");
  g_assert_cmpstr (lk_access_get_name (LK_ACCESS_DELETE), ==, "Delete");
  g_assert_cmpstr (lk_access_get_name (LK_ACCESS_ALL), ==, "All");
  g_assert_cmpstr (lk_access_get_wire_name (LK_ACCESS_READ), ==, "read");
  g_assert_cmpstr (lk_access_get_wire_name (LK_ACCESS_WRITE), ==, "write");
  g_assert_cmpstr (lk_access_get_wire_name (LK_ACCESS_DELETE), ==, "delete");

  described = lk_permission_describe (LK_CATEGORY_API_KEYS, LK_ACCESS_WRITE);
  g_assert_cmpstr (described, ==, "API Keys: Write");
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static void
test_json_round_trip (void)
{
  LkPermissions p = { { 0 } }, back;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* Empty gives an empty object. */
  node = lk_permissions_to_json (&p);
  text = to_string (node);
  g_assert_cmpstr (text, ==, "{}");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&text, g_free);

  lk_permissions_set (&p, LK_CATEGORY_MODEL_INVENTORY, LK_ACCESS_WRITE | LK_ACCESS_READ);
  lk_permissions_set (&p, LK_CATEGORY_MODEL_SCANNER, LK_ACCESS_WRITE);
  lk_permissions_set (&p, LK_CATEGORY_API_KEYS, LK_ACCESS_ALL);
  node = lk_permissions_to_json (&p);
  text = to_string (node);
  g_assert_cmpstr (text, ==,
                   "{\"api_keys\":[\"read\",\"write\",\"delete\"],"
                   "\"model_inventory\":[\"read\",\"write\"],"
                   "\"model_scanner\":[\"write\"]}");

  g_assert_true (lk_permissions_from_json (node, &back, &error));
  g_assert_no_error (error);
  g_assert_true (lk_permissions_equal (&p, &back));

  /* Every one of the 2^18 combinations would be slow; walk a spread. */
  for (guint32 bits = 0; bits < (1u << 18); bits += 997)
    {
      LkPermissions q = { { 0 } }, r;
      g_autoptr(JsonNode) n = NULL;

      for (guint i = 0; i < LK_N_CATEGORIES; i++)
        lk_permissions_set (&q, i, (bits >> (3 * i)) & 7);
      n = lk_permissions_to_json (&q);
      g_assert_true (lk_permissions_from_json (n, &r, NULL));
      g_assert_true (lk_permissions_equal (&q, &r));
    }
}

static void
test_json_lenient (void)
{
  static const struct {
    const char *json;
    const char *summary;
  } cases[] = {
    { "{}", "No permissions" },
    { "{\"users\": []}", "No permissions" },
    /* unknown categories and words are ignored */
    { "{\"users\": [\"read\", \"admin\"], \"billing\": [\"read\"]}", "Users: Read" },
    { "{\"billing\": 42}", "No permissions" },
    /* repeated words are fine */
    { "{\"inference\": [\"write\", \"write\"]}", "Inference: Write" },
    /* case matters on the wire */
    { "{\"users\": [\"READ\"]}", "No permissions" },
  };
  g_autoptr(GError) error = NULL;
  LkPermissions p;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse_json (cases[i].json);
      g_autofree char *summary = NULL;

      memset (&p, 0xff, sizeof p);
      g_assert_true (lk_permissions_from_json (node, &p, &error));
      g_assert_no_error (error);
      summary = lk_permissions_to_summary (&p);
      g_assert_cmpstr (summary, ==, cases[i].summary);
    }

  /* NULL and JSON null give empty permissions. */
  memset (&p, 0xff, sizeof p);
  g_assert_true (lk_permissions_from_json (NULL, &p, &error));
  g_assert_true (lk_permissions_is_empty (&p));
  {
    g_autoptr(JsonNode) null_node = json_node_new (JSON_NODE_NULL);

    memset (&p, 0xff, sizeof p);
    g_assert_true (lk_permissions_from_json (null_node, &p, &error));
    g_assert_true (lk_permissions_is_empty (&p));
  }
}

static void
test_json_malformed (void)
{
  static const char *const cases[] = {
    "[]",
    "[\"read\"]",
    "\"read\"",
    "42",
    "true",
    "{\"users\": \"read\"}",
    "{\"users\": null}",
    "{\"users\": {\"read\": true}}",
    "{\"users\": [1]}",
    "{\"users\": [null]}",
    "{\"users\": [[\"read\"]]}",
    "{\"users\": [\"read\", {}]}",
    "{\"api_keys\": [\"read\"], \"users\": 7}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse_json (cases[i]);
      g_autoptr(GError) error = NULL;
      LkPermissions p = { { 0 } };

      lk_permissions_set (&p, LK_CATEGORY_USERS, LK_ACCESS_DELETE);
      if (lk_permissions_from_json (node, &p, &error))
        g_error ("accepted %s", cases[i]);
      g_assert_error (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_MALFORMED_REPLY);
      g_assert_nonnull (strstr (error->message, "permissions"));
      /* The output is left alone on failure. */
      g_assert_cmpint (lk_permissions_get (&p, LK_CATEGORY_USERS), ==, LK_ACCESS_DELETE);
    }
}

static void
test_tasks (void)
{
  /* The seed's "API Permissions for Console Access" table, row by row. */
  static const struct {
    const char *page;
    const char *action;
    const char *permission;
  } seed[] = {
    { "Model Inventory", "View", "Model Inventory: Read" },
    { "Model Inventory", "Delete Model", "Model Inventory: Delete" },
    { "Model Inventory", "Upload", "Model Inventory: Write" },
    { "Model Inventory", "Community", "Model Inventory: Write" },
    { "Model Details", "View", "Model Inventory: Read" },
    { "Detections", "List", "Detections: Read" },
    { "Detections", "View Details", "Detections: Read" },
    { "Detections", "Add Note", "Detections: Write" },
    { "Detections", "Close Detection", "Detections: Write" },
    /* The seed says "Inferences" here; the category is "Inference". */
    { "Review Inferences (Model Details and AIDR)", "View", "Inference: Read" },
    { "Admin Settings - Users", "View", "Users: Read" },
    { "Admin Settings - Users", "Create User", "Users: Write" },
    { "Admin Settings - Users", "Edit User", "Users: Write" },
    { "Admin Settings - Users", "Delete User", "Users: Delete" },
    { "Admin Settings - API Keys", "View", "API Keys: Read" },
    { "Admin Settings - API Keys", "Create API Key", "API Keys: Write" },
    { "Admin Settings - API Keys", "Delete API Key", "API Keys: Delete" },
  };
  guint n = 0;
  const LkTask *tasks = lk_tasks_get (&n);

  g_assert_cmpuint (n, ==, G_N_ELEMENTS (seed));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *permission = lk_permission_describe (tasks[i].category, tasks[i].access);

      g_assert_cmpstr (tasks[i].page, ==, seed[i].page);
      g_assert_cmpstr (tasks[i].action, ==, seed[i].action);
      g_assert_cmpstr (permission, ==, seed[i].permission);
      /* one bit per task */
      g_assert_nonnull (lk_access_get_wire_name (tasks[i].access));
    }
}

static void
test_presets (void)
{
  LkPermissions p;
  g_autofree char *hybrid = NULL;
  g_autofree char *read_only = NULL;

  memset (&p, 0xff, sizeof p);
  lk_preset_apply (LK_PRESET_MODEL_SCANNER_HYBRID, &p);
  g_assert_cmpint (lk_permissions_get (&p, LK_CATEGORY_MODEL_INVENTORY), ==, LK_ACCESS_READ | LK_ACCESS_WRITE);
  g_assert_cmpint (lk_permissions_get (&p, LK_CATEGORY_MODEL_SCANNER), ==, LK_ACCESS_WRITE);
  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    if (i != LK_CATEGORY_MODEL_INVENTORY && i != LK_CATEGORY_MODEL_SCANNER)
      g_assert_cmpint (lk_permissions_get (&p, i), ==, LK_ACCESS_NONE);
  hybrid = lk_permissions_to_summary (&p);
  g_assert_cmpstr (hybrid, ==, "Model Inventory: Read, Write · Model Scanner: Write");

  lk_preset_apply (LK_PRESET_READ_ONLY, &p);
  for (guint i = 0; i < LK_N_CATEGORIES; i++)
    g_assert_cmpint (lk_permissions_get (&p, i), ==, LK_ACCESS_READ);
  read_only = lk_permissions_to_summary (&p);
  g_assert_cmpstr (read_only, ==,
                   "API Keys: Read · Detections: Read · Inference: Read · "
                   "Model Inventory: Read · Model Scanner: Read · Users: Read");

  for (guint i = 0; i < LK_N_PRESETS; i++)
    {
      g_assert_nonnull (lk_preset_get_name (i));
      g_assert_cmpstr (lk_preset_get_name (i), !=, "");
      g_assert_nonnull (lk_preset_get_description (i));
    }
  g_assert_cmpstr (lk_preset_get_description (LK_PRESET_MODEL_SCANNER_HYBRID), ==,
                   "Permissions needed for Model Scanner CLI deployed in Hybrid Mode, including Community Scan.");
}

int
main (int argc, char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lk/permissions/bits", test_bits);
  g_test_add_func ("/lk/permissions/copy-equal", test_copy_equal);
  g_test_add_func ("/lk/permissions/contains-union", test_contains_union);
  g_test_add_func ("/lk/permissions/summary", test_summary);
  g_test_add_func ("/lk/permissions/names", test_names);
  g_test_add_func ("/lk/permissions/json-round-trip", test_json_round_trip);
  g_test_add_func ("/lk/permissions/json-lenient", test_json_lenient);
  g_test_add_func ("/lk/permissions/json-malformed", test_json_malformed);
  g_test_add_func ("/lk/permissions/tasks", test_tasks);
  g_test_add_func ("/lk/permissions/presets", test_presets);

  return g_test_run ();
}

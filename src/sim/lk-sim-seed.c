/* lk-sim-seed.c: a realistic tenant to start from
 *
 * A few dozen keys with varied names, owners, permissions and expiries,
 * as a tenant in use for a year looks, plus as many generated keys as a
 * large-tenant test or benchmark asks for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-sim-seed"

#include "config.h"

#include <string.h>

#include "lk-sim-tenant-private.h"

typedef struct {
  const char *name;
  const char *created_by;
  int         created_days_ago;
  int         expires_in_days;
  int         preset;      /* -1 = use the access table; 0..LK_N_PRESETS-1; 99 = all */
  guint8      access[LK_N_CATEGORIES];
} SeedKey;

#define R LK_ACCESS_READ
#define W LK_ACCESS_WRITE
#define D LK_ACCESS_DELETE
/* Most keys live at most 90 days (created_days_ago + expires_in_days),
 * so that key health (src/core/lk-key-health.h) has something to show:
 * "CI model scanner" and "User provisioning (SCIM)" live longer, the
 * two with preset 99 have all permissions, six expire within a week, and
 * "Legacy integration (to retire)" is all three.
 * access: api_keys, detections, inference, model_inventory, model_scanner, users */
static const SeedKey seed_keys[] = {
  { "CI model scanner", "maria.lopez@example.com", 120, 245, LK_PRESET_MODEL_SCANNER_HYBRID, { 0 } },
  { "Staging inference gateway", "j.chen@example.com", 35, 53, -1, { 0, 0, R | W, 0, 0, 0 } },
  { "SOC detections export", "secops@example.com", 30, 58, -1, { 0, R, 0, 0, 0, 0 } },
  { "Production inference gateway", "j.chen@example.com", 45, 43, -1, { 0, 0, R | W, 0, 0, 0 } },
  { "Model registry sync", "priya.nair@example.com", 20, 68, -1, { 0, 0, 0, R | W | D, 0, 0 } },
  { "Security dashboard (read only)", "tom.becker@example.com", 60, 28, LK_PRESET_READ_ONLY, { 0 } },
  { "Nightly model audit", "priya.nair@example.com", 45, 43, -1, { 0, 0, 0, R, R, 0 } },
  { "Research notebook", "a.okafor@example.com", 14, 30, -1, { 0, 0, R, R, 0, 0 } },
  { "SIEM forwarder", "secops@example.com", 55, 33, -1, { 0, R, 0, 0, 0, 0 } },
  { "Incident response automation", "secops@example.com", 10, 78, -1, { 0, R | W, R, 0, 0, 0 } },
  { "User provisioning (SCIM)", "it-identity@example.com", 240, 125, -1, { 0, 0, 0, 0, 0, R | W | D } },
  { "Key rotation bot", "platform-team@example.com", 30, 58, -1, { R | W | D, 0, 0, 0, 0, 0 } },
  { "Terraform platform config", "platform-team@example.com", 15, 73, 99, { 0 } },
  { "GitHub Actions scanner", "maria.lopez@example.com", 30, 58, LK_PRESET_MODEL_SCANNER_HYBRID, { 0 } },
  { "GitLab CI scanner", "devops@example.com", 25, 63, LK_PRESET_MODEL_SCANNER_HYBRID, { 0 } },
  { "Hugging Face mirror scan", "a.okafor@example.com", 20, 68, LK_PRESET_MODEL_SCANNER_HYBRID, { 0 } },
  { "Data science sandbox", "a.okafor@example.com", 8, 52, -1, { 0, 0, R | W, R, 0, 0 } },
  { "Compliance evidence export", "grc@example.com", 65, 23, LK_PRESET_READ_ONLY, { 0 } },
  { "Grafana detections panel", "tom.becker@example.com", 40, 48, -1, { 0, R, 0, 0, 0, 0 } },
  { "Legacy integration (to retire)", "platform-team@example.com", 363, 2, 99, { 0 } },
  { "Red team exercise", "redteam@example.com", 25, 5, -1, { 0, R, R | W, R, 0, 0 } },
  { "Vendor assessment", "grc@example.com", 83, 5, LK_PRESET_READ_ONLY, { 0 } },
  { "Airflow model pipeline", "priya.nair@example.com", 50, 38, -1, { 0, 0, 0, R | W, W, 0 } },
  { "Kubernetes admission scanner", "devops@example.com", 55, 33, LK_PRESET_MODEL_SCANNER_HYBRID, { 0 } },
  { "MLflow registry hook", "priya.nair@example.com", 80, 3, -1, { 0, 0, 0, R | W, 0, 0 } },
  { "Splunk app", "secops@example.com", 5, 83, -1, { 0, R, 0, 0, 0, 0 } },
  { "Access review script", "grc@example.com", 40, 48, -1, { R, 0, 0, 0, 0, R } },
  { "Onboarding automation", "it-identity@example.com", 60, 28, -1, { 0, 0, 0, 0, 0, R | W } },
  { "Backup inventory export", "tom.becker@example.com", 5, 7, -1, { 0, 0, 0, R, 0, 0 } },
  { "Sentinel connector", "secops@example.com", 12, 76, -1, { 0, R | W, 0, 0, 0, 0 } },
  { "Support diagnostics (temporary)", "support@example.com", 1, 4, -1, { R, R, R, R, R, R } },
};
#undef R
#undef W
#undef D

static const char * const generated_owners[] = {
  "maria.lopez@example.com", "j.chen@example.com", "priya.nair@example.com",
  "tom.becker@example.com", "secops@example.com", "devops@example.com", NULL,
};

void
lk_sim_tenant_seed (LkSimTenant *self,
                    guint        n_extra)
{
  gint64 now;

  g_assert (self != NULL);

  now = lk_sim_tenant_get_now (self);

  for (guint i = 0; i < G_N_ELEMENTS (seed_keys); i++)
    {
      const SeedKey *seed = &seed_keys[i];
      LkPermissions permissions = { { 0 } };

      if (g_hash_table_contains (self->keys_by_name, seed->name))
        continue;

      if (seed->preset == 99)
        lk_permissions_set_all (&permissions);
      else if (seed->preset >= 0)
        lk_preset_apply ((LkPreset) seed->preset, &permissions);
      else
        memcpy (permissions.access, seed->access, sizeof permissions.access);

      /* Spread creation over the day so the order is not by name. */
      lk_sim_tenant_add_key (self, seed->name, seed->created_by,
                             now - seed->created_days_ago * LK_SIM_SECONDS_PER_DAY -
                             (gint64) (i * 3517) % 86400,
                             now + seed->expires_in_days * LK_SIM_SECONDS_PER_DAY - 3600,
                             &permissions, NULL);
    }

  if (n_extra == 0)
    return;

  /* Generated keys: appended unsorted, then sorted once. */
  for (guint i = 0; i < n_extra; i++)
    {
      char name[64], id[37], client_id[37];
      LkPermissions permissions = { { 0 } };
      guint serial = ++self->serial;
      LkSimKey *key;

      g_snprintf (name, sizeof name, "Generated key %06u", serial);
      if (g_hash_table_contains (self->keys_by_name, name))
        continue;

      switch (serial % 5)
        {
        case 0: lk_permissions_set_all (&permissions); break;
        case 1: lk_preset_apply (LK_PRESET_MODEL_SCANNER_HYBRID, &permissions); break;
        case 2: lk_preset_apply (LK_PRESET_READ_ONLY, &permissions); break;
        case 3: lk_permissions_set (&permissions, LK_CATEGORY_INFERENCE, LK_ACCESS_READ | LK_ACCESS_WRITE); break;
        default: lk_permissions_set (&permissions, LK_CATEGORY_DETECTIONS, LK_ACCESS_READ); break;
        }

      lk_sim_tenant_make_uuid (self, id);
      lk_sim_tenant_make_uuid (self, client_id);
      key = lk_sim_key_new (id, name, client_id, generated_owners[serial % 6],
                         now - (gint64) (serial % 700) * LK_SIM_SECONDS_PER_DAY - serial % 86400,
                         now + (gint64) (2 + serial * 37 % 299) * LK_SIM_SECONDS_PER_DAY,
                         &permissions);
      for (guint b = 0; b < LK_SIM_DIGEST_LENGTH; b += 4)
        {
          guint32 r = g_rand_int (self->rand);
          memcpy (key->secret_digest + b, &r, 4);
        }
      g_ptr_array_add (self->keys, key);
      lk_sim_tenant_index_key (self, key);
    }
  g_ptr_array_sort (self->keys, lk_sim_key_compare);
}

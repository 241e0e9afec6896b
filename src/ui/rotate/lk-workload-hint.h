/* lk-workload-hint.h: "Update your workload": the new key as export lines
 *
 * The environment variables HiddenLayer's SDKs read (HIDDENLAYER_CLIENT_ID,
 * HIDDENLAYER_CLIENT_SECRET) and those of the Model Scanner CLI
 * (HL_CLIENT_ID, HL_CLIENT_SECRET), for a rotated key.  The secret is shown
 * only while "Show Secret" is on; "Copy Lines" copies them with it, and the
 * clipboard is cleared again as for any secret (lk-clipboard.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-api-key.h"

G_BEGIN_DECLS

#define LK_TYPE_WORKLOAD_HINT (lk_workload_hint_get_type ())
G_DECLARE_FINAL_TYPE (LkWorkloadHint, lk_workload_hint, LK, WORKLOAD_HINT, AdwBin)

GtkWidget  *lk_workload_hint_new          (void);
/* Shows the lines of @created (a reference is kept), the secret hidden. */
void        lk_workload_hint_set_created  (LkWorkloadHint *self,
                                           LkCreatedKey   *created);
/* Shows the secret in the lines, or hides it again. */
void        lk_workload_hint_set_revealed (LkWorkloadHint *self,
                                           gboolean        revealed);
/* The lines as shown (the secret in them only when revealed). */
const char *lk_workload_hint_get_text     (LkWorkloadHint *self);
/* Drops the key and empties the lines. */
void        lk_workload_hint_clear        (LkWorkloadHint *self);

G_END_DECLS

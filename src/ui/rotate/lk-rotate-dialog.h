/* lk-rotate-dialog.h: rotate one key or several, and show what came of it
 *
 * A modal AdwWindow.  For one key it shows the successor before anything
 * happens (its name, expiry and permissions, each editable) and when the
 * old key is deleted (now, after 1 hour, 1 day or 7 days, on a date, or
 * never); Rotate runs lk_rotation_run_async(), then shows the successor's
 * secret once (LkSecretView) with the export lines for the workload
 * (LkWorkloadHint), or why nothing changed.  For several keys each gets
 * its default successor, they are rotated one after another, and a
 * summary lists each key rotated or left intact, with the reason.
 *
 * Signals:
 *   "rotated"  after each rotation ran, whatever came of it (the list of
 *              scheduled deletions may have changed)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-client.h"

G_BEGIN_DECLS

#define LK_TYPE_ROTATE_DIALOG (lk_rotate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LkRotateDialog, lk_rotate_dialog, LK, ROTATE_DIALOG, AdwWindow)

/* @keys: the LkApiKey to rotate (at least one), from @client's list. */
LkRotateDialog *lk_rotate_dialog_new           (GtkWindow      *parent,
                                                LkClient       *client,
                                                GPtrArray      *keys);
/* The page shown: "plan", "working", "secret", "error" or "summary". */
const char     *lk_rotate_dialog_get_page      (LkRotateDialog *self);

G_END_DECLS

/* lk-rotate-dialog-private.h: LkRotateDialog, one class over three files
 *
 *   lk-rotate-dialog.c       the pages, closing, the GObject
 *   lk-rotate-dialog-plan.c  the plan page: the successor and when the
 *                            old key goes, and whether that is valid
 *   lk-rotate-dialog-run.c   running the rotations, their outcome, the
 *                            secret page and the summary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-permission-grid.h"
#include "lk-rotate-dialog.h"
#include "lk-rotation.h"
#include "lk-secret-view.h"
#include "lk-workload-hint.h"

G_BEGIN_DECLS

struct _LkRotateDialog
{
  AdwWindow          parent_instance;

  /* Template children */
  AdwWindowTitle    *window_title;
  GtkWidget         *cancel_button;
  GtkWidget         *rotate_button;
  GtkWidget         *done_button;
  GtkStack          *stack;
  GtkLabel          *intro_label;
  AdwPreferencesGroup *successor_group;
  AdwEntryRow       *name_row;
  AdwActionRow      *expiry_row;
  GtkSpinButton     *days_spin;
  AdwPreferencesGroup *permissions_group;
  LkPermissionGrid  *grid;
  AdwPreferencesGroup *keys_group;
  AdwComboRow       *delete_row;
  GtkRevealer       *calendar_revealer;
  GtkCalendar       *calendar;
  GtkLabel          *plan_error;
  AdwStatusPage     *working_page;
  GtkSpinner        *working_spinner;
  LkSecretView      *secret_view;
  GtkLabel          *old_key_label;
  LkWorkloadHint    *workload_hint;
  AdwStatusPage     *error_page;
  GtkLabel          *summary_label;
  GtkListBox        *summary_list;

  /* State */
  LkClient          *client;
  GPtrArray         *keys;          /* LkApiKey: those to rotate */
  LkRotationPlan    *plan;          /* one key: the defaults, then as edited */
  GCancellable      *cancellable;   /* the rotations under way */
  guint              next;          /* the next key of @keys to rotate */
  guint              n_rotated;
  gboolean           stopping;      /* several keys: Cancel, the rest left */
  gboolean           plan_valid;
};

/* lk-rotate-dialog.c */
void     lk_rotate_dialog_set_page         (LkRotateDialog *self,
                                            const char     *page);
/* Emits "rotated". */
void     _lk_rotate_dialog_emit_rotated    (LkRotateDialog *self);

/* lk-rotate-dialog-plan.c */
void     lk_rotate_dialog_plan_class_init  (GtkWidgetClass *widget_class);
void     lk_rotate_dialog_plan_constructed (LkRotateDialog *self);
/* Checks the plan page; enables Rotate when it is valid. */
void     lk_rotate_dialog_check_plan       (LkRotateDialog *self);
/* The plan for @key, from the page (one key: as edited; several: the
 * defaults, with the old key's deletion as chosen), or NULL. */
LkRotationPlan *lk_rotate_dialog_make_plan (LkRotateDialog *self,
                                            LkApiKey       *key);

/* lk-rotate-dialog-run.c */
void     lk_rotate_dialog_run_class_init   (GtkWidgetClass *widget_class);
/* TRUE while a rotation runs. */
gboolean lk_rotate_dialog_is_running       (LkRotateDialog *self);

G_END_DECLS

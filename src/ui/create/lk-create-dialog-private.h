/* lk-create-dialog-private.h: LkCreateDialog, one class over four files
 *
 *   lk-create-dialog.c              the pages, and when the window may close
 *   lk-create-dialog-form.c         name and expiry, and whether the form
 *                                   is valid
 *   lk-create-dialog-permissions.c  presets, the task picker, the grid
 *   lk-create-dialog-create.c       the summary, and creating the key
 *
 * The created key and its secret are held by the secret view alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-create-dialog.h"
#include "lk-permission-grid.h"
#include "lk-secret-view.h"

G_BEGIN_DECLS

struct _LkCreateDialog
{
  AdwWindow parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkWidget            *cancel_button;
  GtkWidget            *back_button;
  GtkWidget            *next_button;
  GtkWidget            *create_button;
  GtkWidget            *create_label;
  GtkSpinner           *create_spinner;
  GtkWidget            *done_button;
  GtkStack             *stack;
  GtkLabel             *form_error;
  AdwEntryRow          *name_row;
  GtkLabel             *name_error;
  AdwComboRow          *expiry_row;
  GtkRevealer          *calendar_revealer;
  GtkCalendar          *calendar;
  GtkLabel             *expiry_error;
  AdwActionRow         *preset_scanner_row;
  AdwActionRow         *preset_read_only_row;
  GtkImage             *preset_scanner_icon;
  GtkImage             *preset_read_only_icon;
  AdwExpanderRow       *task_row;
  GtkWidget            *empty_box;
  GtkLabel             *empty_label;
  GtkCheckButton       *confirm_all_check;
  LkPermissionGrid     *grid;
  GtkLabel             *summary_error;
  AdwActionRow         *summary_name_row;
  AdwActionRow         *summary_expiry_row;
  AdwActionRow         *summary_permissions_row;
  AdwPreferencesGroup  *summary_detail_group;
  GtkSpinner           *working_spinner;
  LkSecretView         *secret_view;

  /* State */
  LkClient         *client;
  GCancellable     *cancellable;      /* of the create in progress */
  guint             working_delay_id; /* shows the working page, if still creating */
  GtkCheckButton  **task_checks;      /* one per lk_tasks_get () row */
  guint             n_tasks;
  AdwActionRow     *detail_rows[LK_N_CATEGORIES];
  gboolean          name_touched;     /* show name errors only after typing */
  gboolean          name_valid;
  gboolean          expiry_valid;
  gboolean          syncing_tasks;
  gboolean          closed;           /* closed (or disposed): shows nothing more */
  gboolean          disposed;
};

/* lk-create-dialog.c */
/* Shows @text in @label, or hides the label when there is none. */
void        lk_create_dialog_show_label             (GtkLabel       *label,
                                                     const char     *text);
void        lk_create_dialog_set_css_class          (GtkWidget      *widget,
                                                     const char     *css_class,
                                                     gboolean        set);
/* "form", "summary", "working" or "secret". */
void        lk_create_dialog_set_page               (LkCreateDialog *self,
                                                     const char     *page);

/* lk-create-dialog-form.c */
void        lk_create_dialog_form_class_init        (GtkWidgetClass *widget_class);
void        lk_create_dialog_form_init              (LkCreateDialog *self);
void        lk_create_dialog_form_constructed       (LkCreateDialog *self);
/* The trimmed name (g_free). */
char       *lk_create_dialog_get_name               (LkCreateDialog *self);
/* The chosen expiry as a local date-time, keeping the current wall-clock
 * time so that calendar days (what the platform counts) come out exact. */
GDateTime  *lk_create_dialog_get_expiry             (LkCreateDialog *self,
                                                     gint64          now);
/* "Feb 25, 2027 (in 90 days)" */
char       *lk_create_dialog_format_expiry          (gint64          now,
                                                     gint64          expires_at);
gboolean    lk_create_dialog_form_is_valid          (LkCreateDialog *self);
/* Enables Next and Create as the form and the create in progress allow. */
void        lk_create_dialog_update_validity        (LkCreateDialog *self);

/* lk-create-dialog-permissions.c */
void        lk_create_dialog_permissions_class_init (GtkWidgetClass *widget_class);
void        lk_create_dialog_permissions_init       (LkCreateDialog *self);
void        lk_create_dialog_permissions_constructed (LkCreateDialog *self);

/* lk-create-dialog-create.c */
void        lk_create_dialog_create_class_init      (GtkWidgetClass *widget_class);
void        lk_create_dialog_create_init            (LkCreateDialog *self);
/* Fills the summary page from the form. */
void        lk_create_dialog_fill_summary           (LkCreateDialog *self);
/* Ends the create in progress as far as the dialog shows it (the
 * summary usable again, no working page to come); the caller deals
 * with self->cancellable. */
void        lk_create_dialog_end_busy               (LkCreateDialog *self);

G_END_DECLS

/* lk-secret-view-private.h: LkSecretView, one class over two files
 *
 *   lk-secret-view.c       what the view shows, copying, retrying the store
 *   lk-secret-view-save.c  "Save to File…"
 *
 * Tests also use the save itself (without its file chooser) and the
 * clipboard delay.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-secret-view.h"

G_BEGIN_DECLS

struct _LkSecretView
{
  AdwBin parent_instance;

  /* Template children */
  GtkLabel        *id_label;
  GtkLabel        *secret_label;
  GtkToggleButton *reveal_button;
  GtkButton       *copy_id_button;
  GtkButton       *copy_secret_button;
  GtkImage        *status_icon;
  GtkLabel        *status_label;
  GtkLabel        *status_detail;
  GtkWidget       *failure_box;
  GtkButton       *retry_button;
  GtkSpinner      *retry_spinner;
  GtkButton       *save_button;
  GtkCheckButton  *saved_check;
  GtkRevealer     *keep_open_revealer;

  /* State */
  LkClient             *client;
  LkCreatedKey         *created;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  char                 *saved_path;   /* display name of the file we wrote */
  gboolean              secret_safe;
  gboolean              retrying;
  guint                 clear_seconds;  /* 0 = the setting */
};

/* lk-secret-view.c */
void     lk_secret_view_toast               (LkSecretView        *self,
                                             const char          *title);
/* Shows where the secret is kept, and whether it is safe. */
void     lk_secret_view_update_status       (LkSecretView        *self);

/* lk-secret-view-save.c */
void     lk_secret_view_save_class_init     (GtkWidgetClass      *widget_class);

/* Writes the ID and secret to @file (mode 0600), as "Save to File…" does
 * after its file chooser; on success the secret counts as saved. */
void     lk_secret_view_save_to_file_async  (LkSecretView        *self,
                                             GFile               *file,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean lk_secret_view_save_to_file_finish (LkSecretView        *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Overrides the clipboard-clear-seconds setting (0 = use the setting). */
void     lk_secret_view_set_clear_seconds   (LkSecretView        *self,
                                             guint                seconds);

G_END_DECLS

/* lk-create-dialog.c: create a key, then show its secret once
 *
 * Four pages in a stack: "form" (name, expiry, presets, task picker,
 * permission grid), "summary", "working" (while the platform answers) and
 * "secret" (LkSecretView).  An error of the create goes back to the form
 * or the summary with its message; nothing typed is lost.
 *
 * How presets, tasks and the grid relate (kept simple so it is
 * predictable): the grid is the one source of truth for what is created.
 * Checking or unchecking a task sets the grid to the union of the least
 * permissions of every checked task (so unchecking the last task empties
 * it); edits in the grid after that are kept until the next task toggle
 * recomputes.  A preset or Clear sets the grid and unchecks every task.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-create-dialog-private.h"
#include "lk-permission-grid.h"
#include "lk-secret-view.h"
#include "lk-time.h"

/* The expiry choices, in days; the combo's last item is "Custom date…". */
static const guint expiry_days[] = { 7, 30, 60, 90, 180, 365 };
#define DEFAULT_EXPIRY_INDEX 3   /* 90 days */
#define CUSTOM_EXPIRY_INDEX G_N_ELEMENTS (expiry_days)

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
  LkCreatedKey     *created;
  GtkCheckButton  **task_checks;      /* one per lk_tasks_get () row */
  guint             n_tasks;
  AdwActionRow     *detail_rows[LK_N_CATEGORIES];
  gboolean          name_touched;     /* show name errors only after typing */
  gboolean          name_valid;
  gboolean          expiry_valid;
  gboolean          syncing_tasks;
  gboolean          disposed;
};

G_DEFINE_FINAL_TYPE (LkCreateDialog, lk_create_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
toast (LkCreateDialog *self,
       const char     *title)
{
  AdwToast *t = adw_toast_new (title);

  adw_toast_set_timeout (t, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
show_label (GtkLabel   *label,
            const char *text)
{
  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && text[0] != '\0');
}

static void
set_css_class (GtkWidget  *widget,
               const char *css_class,
               gboolean    set)
{
  if (set)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

static const char *
current_page (LkCreateDialog *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

/* ---- Validation ---- */

/* The trimmed name (g_free). */
static char *
get_name (LkCreateDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

static gboolean
name_is_used (LkCreateDialog *self,
              const char     *name)
{
  GListModel *keys;
  guint n;

  if (self->client == NULL)
    return FALSE;

  keys = lk_client_get_keys (self->client);
  n = g_list_model_get_n_items (keys);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkApiKey) key = g_list_model_get_item (keys, i);

      if (g_strcmp0 (lk_api_key_get_name (key), name) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
permissions_ok (LkCreateDialog *self)
{
  return !lk_permissions_is_empty (lk_permission_grid_get_permissions (self->grid)) ||
         gtk_check_button_get_active (self->confirm_all_check);
}

static gboolean
form_is_valid (LkCreateDialog *self)
{
  return self->name_valid && self->expiry_valid && permissions_ok (self);
}

static void
update_validity (LkCreateDialog *self)
{
  gboolean valid = form_is_valid (self);
  gboolean busy = self->cancellable != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "create.next", valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "create.create", valid && !busy);
}

static void
check_name (LkCreateDialog *self)
{
  g_autofree char *name = get_name (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!lk_validate_key_name (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), &error))
    message = g_strdup (error->message);
  else if (name_is_used (self, name))
    /* Translators: %s is the name of an existing key */
    message = g_strdup_printf (_("A key named “%s” already exists. Choose another name."), name);

  self->name_valid = message == NULL;

  /* An untouched empty name is not an error yet, only not valid. */
  if (!self->name_touched)
    g_clear_pointer (&message, g_free);

  show_label (self->name_error, message);
  set_css_class (GTK_WIDGET (self->name_row), "error", message != NULL);
  update_validity (self);
}

static void
on_name_changed (LkCreateDialog *self)
{
  self->name_touched = TRUE;
  check_name (self);
}

static void
on_name_activated (LkCreateDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "create.next", NULL);
}

static void
on_keys_changed (LkCreateDialog *self)
{
  check_name (self);
}

/* The chosen expiry as a local date-time, keeping the current wall-clock
 * time so that calendar days (what the platform counts) come out exact. */
static GDateTime *
get_expiry (LkCreateDialog *self,
            gint64          now)
{
  g_autoptr(GDateTime) local_now = g_date_time_new_from_unix_local (now);
  guint selected = adw_combo_row_get_selected (self->expiry_row);

  if (selected == CUSTOM_EXPIRY_INDEX)
    {
      g_autoptr(GDateTime) day = gtk_calendar_get_date (self->calendar);

      return g_date_time_new_local (g_date_time_get_year (day),
                                    g_date_time_get_month (day),
                                    g_date_time_get_day_of_month (day),
                                    g_date_time_get_hour (local_now),
                                    g_date_time_get_minute (local_now),
                                    g_date_time_get_second (local_now));
    }

  if (selected >= G_N_ELEMENTS (expiry_days))
    selected = DEFAULT_EXPIRY_INDEX;

  return g_date_time_add_days (local_now, expiry_days[selected]);
}

static char *
format_expiry (gint64 now,
               gint64 expires_at)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (expires_at);
  /* Translators: the expiry date of a new key, in g_date_time_format()
   * syntax; the same as the dates in the list of keys */
  g_autofree char *date = g_date_time_format (when, _("%b %-d, %Y"));
  g_autofree char *relative = lk_time_describe_expiry (now, expires_at);

  /* Translators: "Feb 25, 2027 (in 90 days)" */
  return g_strdup_printf (_("%s (%s)"), date, relative);
}

static void
on_expiry_changed (LkCreateDialog *self)
{
  gint64 now = lk_time_now ();
  g_autoptr(GDateTime) expiry = get_expiry (self, now);
  g_autoptr(GError) error = NULL;
  gint64 expires_at = g_date_time_to_unix (expiry);
  g_autofree char *subtitle = NULL;

  gtk_revealer_set_reveal_child (self->calendar_revealer,
                                 adw_combo_row_get_selected (self->expiry_row) == CUSTOM_EXPIRY_INDEX);

  self->expiry_valid = lk_validate_expiry (now, expires_at, &error);
  show_label (self->expiry_error, error ? error->message : NULL);
  set_css_class (GTK_WIDGET (self->expiry_row), "error", error != NULL);

  subtitle = format_expiry (now, expires_at);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->expiry_row), self->expiry_valid ? subtitle : "");
  update_validity (self);
}

/* ---- Permissions, presets, tasks ---- */

static void
uncheck_tasks (LkCreateDialog *self)
{
  self->syncing_tasks = TRUE;
  for (guint i = 0; i < self->n_tasks; i++)
    gtk_check_button_set_active (self->task_checks[i], FALSE);
  self->syncing_tasks = FALSE;
}

static void
on_task_toggled (LkCreateDialog *self)
{
  const LkTask *tasks;
  LkPermissions permissions = { { 0 } };
  guint n;

  if (self->syncing_tasks)
    return;

  tasks = lk_tasks_get (&n);
  for (guint i = 0; i < n && i < self->n_tasks; i++)
    {
      if (gtk_check_button_get_active (self->task_checks[i]))
        lk_permissions_add (&permissions, tasks[i].category, tasks[i].access);
    }

  lk_permission_grid_set_permissions (self->grid, &permissions);
}

/* A check on the preset the grid matches, an arrow on the others. */
static void
mark_preset (GtkImage            *icon,
             LkPreset             preset,
             const LkPermissions *permissions)
{
  LkPermissions preset_permissions = { { 0 } };
  gboolean matches;

  lk_preset_apply (preset, &preset_permissions);
  matches = lk_permissions_equal (&preset_permissions, permissions);
  gtk_image_set_from_icon_name (icon, matches ? "object-select-symbolic" : "go-next-symbolic");
  set_css_class (GTK_WIDGET (icon), "accent", matches);
}

static void
on_grid_changed (LkCreateDialog *self)
{
  const LkPermissions *permissions = lk_permission_grid_get_permissions (self->grid);
  gboolean empty = lk_permissions_is_empty (permissions);

  mark_preset (self->preset_scanner_icon, LK_PRESET_MODEL_SCANNER_HYBRID, permissions);
  mark_preset (self->preset_read_only_icon, LK_PRESET_READ_ONLY, permissions);

  /* The confirmation is for this empty choice only. */
  if (!empty)
    gtk_check_button_set_active (self->confirm_all_check, FALSE);
  gtk_widget_set_visible (self->empty_box, empty);
  update_validity (self);
}

static void
preset_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);
  int preset = g_variant_get_int32 (parameter);
  LkPermissions permissions = { { 0 } };

  if (preset < 0 || preset >= LK_N_PRESETS)
    return;

  lk_preset_apply (preset, &permissions);
  uncheck_tasks (self);
  lk_permission_grid_set_permissions (self->grid, &permissions);
  /* Translators: %s is a preset's name, e.g. "Read only" */
  {
    g_autofree char *text = g_strdup_printf (_("Applied “%s”"), lk_preset_get_name (preset));
    AdwToast *t = adw_toast_new (text);

    adw_toast_set_timeout (t, 2);
    adw_toast_overlay_add_toast (self->toast_overlay, t);
  }
}

static void
clear_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);
  LkPermissions none = { { 0 } };

  uncheck_tasks (self);
  lk_permission_grid_set_permissions (self->grid, &none);
}

/* The task picker: the seed's console table, a heading per page. */
static void
build_task_rows (LkCreateDialog *self)
{
  const LkTask *tasks = lk_tasks_get (&self->n_tasks);
  const char *last_page = NULL;

  self->task_checks = g_new0 (GtkCheckButton *, self->n_tasks);

  for (guint i = 0; i < self->n_tasks; i++)
    {
      GtkWidget *row;
      GtkWidget *check;
      g_autofree char *needs = NULL;
      g_autofree char *accessible = NULL;

      if (g_strcmp0 (last_page, tasks[i].page) != 0)
        {
          GtkWidget *heading_row = gtk_list_box_row_new ();
          GtkWidget *heading = gtk_label_new (_(tasks[i].page));

          gtk_label_set_xalign (GTK_LABEL (heading), 0.0);
          gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
          gtk_widget_set_margin_top (heading, 12);
          gtk_widget_set_margin_bottom (heading, 6);
          gtk_widget_set_margin_start (heading, 12);
          gtk_widget_set_margin_end (heading, 12);
          gtk_widget_add_css_class (heading, "heading");
          gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (heading_row), heading);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (heading_row), FALSE);
          gtk_widget_set_focusable (heading_row, FALSE);
          adw_expander_row_add_row (self->task_row, heading_row);
          last_page = tasks[i].page;
        }

      check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_task_toggled), self);

      needs = lk_permission_describe (tasks[i].category, tasks[i].access);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(tasks[i].action));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), needs);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

      /* Translators: a task's accessible name: "Model Inventory: Upload" */
      accessible = g_strdup_printf (_("%s: %s"), _(tasks[i].page), _(tasks[i].action));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                      -1);

      adw_expander_row_add_row (self->task_row, row);
      self->task_checks[i] = GTK_CHECK_BUTTON (check);
    }
}

static void
build_summary_rows (LkCreateDialog *self)
{
  for (guint c = 0; c < LK_N_CATEGORIES; c++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), lk_category_get_name (c));
      adw_preferences_group_add (self->summary_detail_group, row);
      self->detail_rows[c] = ADW_ACTION_ROW (row);
    }
}

/* "Read, Write" (g_free) */
static char *
describe_access (LkAccess access)
{
  static const LkAccess bits[] = { LK_ACCESS_READ, LK_ACCESS_WRITE, LK_ACCESS_DELETE };
  GString *text = g_string_new (NULL);

  for (guint b = 0; b < G_N_ELEMENTS (bits); b++)
    {
      if ((access & bits[b]) == 0)
        continue;
      if (text->len > 0)
        /* Translators: separates access names: "Read, Write" */
        g_string_append (text, _(", "));
      g_string_append (text, lk_access_get_name (bits[b]));
    }

  if (text->len == 0)
    /* Translators: a category the key gets no access to */
    g_string_append (text, C_("access", "None"));

  return g_string_free (text, FALSE);
}

static void
fill_summary (LkCreateDialog *self)
{
  const LkPermissions *permissions = lk_permission_grid_get_permissions (self->grid);
  gboolean empty = lk_permissions_is_empty (permissions);
  gint64 now = lk_time_now ();
  g_autoptr(GDateTime) expiry = get_expiry (self, now);
  g_autofree char *name = get_name (self);
  g_autofree char *expires = format_expiry (now, g_date_time_to_unix (expiry));
  g_autofree char *summary = NULL;
  LkPermissions effective = *permissions;

  /* What the platform will grant: nothing selected means everything. */
  if (empty)
    {
      lk_permissions_set_all (&effective);
      summary = g_strdup (_("All permissions (none selected)"));
    }
  else
    summary = lk_permissions_to_summary (permissions);

  adw_action_row_set_subtitle (self->summary_name_row, name);
  adw_action_row_set_subtitle (self->summary_expiry_row, expires);
  adw_action_row_set_subtitle (self->summary_permissions_row, summary);

  for (guint c = 0; c < LK_N_CATEGORIES; c++)
    {
      g_autofree char *detail = describe_access (lk_permissions_get (&effective, c));

      adw_action_row_set_subtitle (self->detail_rows[c], detail);
    }
}

/* ---- Pages ---- */

static void
set_page (LkCreateDialog *self,
          const char     *page)
{
  gboolean form = g_str_equal (page, "form");
  gboolean summary = g_str_equal (page, "summary");
  gboolean working = g_str_equal (page, "working");
  gboolean secret = g_str_equal (page, "secret");

  gtk_stack_set_visible_child_name (self->stack, page);

  gtk_widget_set_visible (self->cancel_button, form || working);
  gtk_widget_set_visible (self->back_button, summary);
  gtk_widget_set_visible (self->next_button, form);
  gtk_widget_set_visible (self->create_button, summary);
  gtk_widget_set_visible (self->done_button, secret);
  gtk_spinner_set_spinning (self->working_spinner, working);

  if (form)
    adw_window_title_set_subtitle (self->window_title, _("Step 1 of 2"));
  else if (summary)
    adw_window_title_set_subtitle (self->window_title, _("Step 2 of 2"));
  else
    adw_window_title_set_subtitle (self->window_title, "");

  if (form)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  else if (summary)
    gtk_widget_grab_focus (self->create_button);
  else if (secret)
    gtk_widget_grab_focus (self->done_button);
}

static void
next_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);

  if (!form_is_valid (self) || !g_str_equal (current_page (self), "form"))
    return;

  show_label (self->summary_error, NULL);
  fill_summary (self);
  set_page (self, "summary");
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);

  if (g_str_equal (current_page (self), "summary"))
    set_page (self, "form");
}

static void
show_create_error (LkCreateDialog *self,
                   const GError   *error)
{
  toast (self, error->message);

  if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_CONFLICT))
    {
      /* The name is taken: show it where the name is typed. */
      show_label (self->name_error, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
      set_page (self, "form");
    }
  else if (g_error_matches (error, LK_CLIENT_ERROR, LK_CLIENT_ERROR_INVALID_INPUT))
    {
      show_label (self->form_error, error->message);
      set_page (self, "form");
    }
  else
    {
      show_label (self->summary_error, error->message);
      set_page (self, "summary");
    }
}

static void on_secret_safe_changed (LkCreateDialog *self);

static void
on_create_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LkCreateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkCreatedKey) created = NULL;

  created = lk_client_create_key_finish (LK_CLIENT (source), result, &error);

  if (self->disposed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  update_validity (self);

  if (created == NULL)
    {
      show_create_error (self, error);
      return;
    }

  g_clear_pointer (&self->created, lk_created_key_unref);
  self->created = g_steal_pointer (&created);
  lk_secret_view_set_created (self->secret_view, self->client, self->created);
  on_secret_safe_changed (self);
  set_page (self, "secret");
}

static void
create_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);
  g_autofree char *name = NULL;
  g_autoptr(GDateTime) expiry = NULL;

  if (!form_is_valid (self) || self->cancellable != NULL || self->client == NULL)
    return;

  name = get_name (self);
  expiry = get_expiry (self, lk_time_now ());
  show_label (self->summary_error, NULL);
  show_label (self->form_error, NULL);

  self->cancellable = g_cancellable_new ();
  update_validity (self);
  set_page (self, "working");

  lk_client_create_key_async (self->client, name, g_date_time_to_unix (expiry),
                              lk_permission_grid_get_permissions (self->grid),
                              self->cancellable, on_create_done, g_object_ref (self));
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (widget);

  if (self->cancellable != NULL)
    {
      /* Stop waiting; the form and summary stay as they were. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      update_validity (self);
      set_page (self, "summary");
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
done_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
on_secret_safe_changed (LkCreateDialog *self)
{
  gboolean safe = lk_secret_view_get_secret_safe (self->secret_view);

  set_css_class (self->done_button, "suggested-action", safe);
}

static gboolean
lk_create_dialog_close_request (GtkWindow *window)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (window);

  if (self->created != NULL && !lk_secret_view_get_secret_safe (self->secret_view))
    {
      /* The secret exists nowhere else: stay, and say why. */
      lk_secret_view_show_keep_open (self->secret_view);
      return TRUE;
    }

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  /* Wipe what showed the secret, then the secret itself. */
  lk_secret_view_clear (self->secret_view);
  g_clear_pointer (&self->created, lk_created_key_unref);

  return GTK_WINDOW_CLASS (lk_create_dialog_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
lk_create_dialog_constructed (GObject *object)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (object);

  G_OBJECT_CLASS (lk_create_dialog_parent_class)->constructed (object);

  if (self->client != NULL)
    g_signal_connect_object (lk_client_get_keys (self->client), "items-changed",
                             G_CALLBACK (on_keys_changed), self, G_CONNECT_SWAPPED);

  check_name (self);
  on_expiry_changed (self);
  on_grid_changed (self);
  set_page (self, "form");
}

static void
lk_create_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_create_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_create_dialog_dispose (GObject *object)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (object);

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->created, lk_created_key_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_CREATE_DIALOG);

  G_OBJECT_CLASS (lk_create_dialog_parent_class)->dispose (object);
}

static void
lk_create_dialog_finalize (GObject *object)
{
  LkCreateDialog *self = LK_CREATE_DIALOG (object);

  g_clear_object (&self->client);
  g_free (self->task_checks);

  G_OBJECT_CLASS (lk_create_dialog_parent_class)->finalize (object);
}

static void
lk_create_dialog_class_init (LkCreateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = lk_create_dialog_constructed;
  object_class->get_property = lk_create_dialog_get_property;
  object_class->set_property = lk_create_dialog_set_property;
  object_class->dispose = lk_create_dialog_dispose;
  object_class->finalize = lk_create_dialog_finalize;
  window_class->close_request = lk_create_dialog_close_request;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         LK_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LK_TYPE_PERMISSION_GRID);
  g_type_ensure (LK_TYPE_SECRET_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/create/lk-create-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, form_error);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, expiry_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, calendar_revealer);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, expiry_error);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, preset_scanner_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, preset_read_only_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, preset_scanner_icon);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, preset_read_only_icon);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, task_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, empty_box);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, empty_label);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, confirm_all_check);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, grid);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, summary_error);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, summary_name_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, summary_expiry_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, summary_permissions_row);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, summary_detail_group);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, working_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkCreateDialog, secret_view);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_name_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_expiry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_changed);
  gtk_widget_class_bind_template_callback (widget_class, update_validity);
  gtk_widget_class_bind_template_callback (widget_class, on_secret_safe_changed);

  gtk_widget_class_install_action (widget_class, "create.next", NULL, next_activated);
  gtk_widget_class_install_action (widget_class, "create.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "create.create", NULL, create_activated);
  gtk_widget_class_install_action (widget_class, "create.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "create.done", NULL, done_activated);
  gtk_widget_class_install_action (widget_class, "create.preset", "i", preset_activated);
  gtk_widget_class_install_action (widget_class, "create.clear", NULL, clear_activated);

  /* Escape asks to close, which close_request may refuse. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lk_create_dialog_init (LkCreateDialog *self)
{
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autoptr(GDateTime) default_day = g_date_time_add_days (today, expiry_days[DEFAULT_EXPIRY_INDEX]);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (expiry_days); i++)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("%u day", "%u days", expiry_days[i]),
                                                expiry_days[i]);
      gtk_string_list_append (choices, label);
    }
  gtk_string_list_append (choices, _("Custom date…"));
  adw_combo_row_set_model (self->expiry_row, G_LIST_MODEL (choices));
  adw_combo_row_set_selected (self->expiry_row, DEFAULT_EXPIRY_INDEX);
  gtk_calendar_select_day (self->calendar, default_day);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->preset_scanner_row),
                                 lk_preset_get_name (LK_PRESET_MODEL_SCANNER_HYBRID));
  adw_action_row_set_subtitle (self->preset_scanner_row,
                               lk_preset_get_description (LK_PRESET_MODEL_SCANNER_HYBRID));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->preset_read_only_row),
                                 lk_preset_get_name (LK_PRESET_READ_ONLY));
  adw_action_row_set_subtitle (self->preset_read_only_row,
                               lk_preset_get_description (LK_PRESET_READ_ONLY));

  build_task_rows (self);
  build_summary_rows (self);
}

LkCreateDialog *
lk_create_dialog_new (GtkWindow *parent,
                      LkClient  *client)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (LK_IS_CLIENT (client), NULL);

  return g_object_new (LK_TYPE_CREATE_DIALOG,
                       "transient-for", parent,
                       "client", client,
                       NULL);
}

GtkCheckButton *
lk_create_dialog_get_task_check (LkCreateDialog *self,
                                 const char     *page,
                                 const char     *action)
{
  const LkTask *tasks;
  guint n;

  g_return_val_if_fail (LK_IS_CREATE_DIALOG (self), NULL);

  tasks = lk_tasks_get (&n);
  for (guint i = 0; i < n && i < self->n_tasks; i++)
    {
      if (g_strcmp0 (tasks[i].page, page) == 0 && g_strcmp0 (tasks[i].action, action) == 0)
        return self->task_checks[i];
    }

  return NULL;
}

LkCreatedKey *
lk_create_dialog_get_created (LkCreateDialog *self)
{
  g_return_val_if_fail (LK_IS_CREATE_DIALOG (self), NULL);

  return self->created;
}

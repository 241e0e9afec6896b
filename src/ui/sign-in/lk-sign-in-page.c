/* lk-sign-in-page.c: the sign-in form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-sign-in-page"

#include "config.h"

#include <glib/gi18n.h>

#include "lk-api-key.h"
#include "lk-error.h"
#include "lk-sign-in-page.h"
#include "lk-connection-check-dialog.h"
#include "lk-a11y.h"

struct _LkSignInPage
{
  AdwBin parent_instance;

  /* Template children */
  GtkWidget   *form_box;
  GtkWidget   *error_box;
  GtkLabel    *error_heading;
  GtkLabel    *error_body;
  AdwComboRow *region_row;
  AdwEntryRow *api_url_row;
  AdwEntryRow *token_url_row;
  AdwActionRow *ca_row;
  GtkWidget   *ca_clear_button;
  GtkWidget   *ca_choose_button;
  AdwEntryRow *client_id_row;
  AdwEntryRow *secret_row;
  GtkSwitch   *remember_switch;
  GtkWidget   *sign_in_button;
  GtkSpinner  *sign_in_spinner;
  GtkLabel    *sign_in_label;
  GtkWidget   *demo_button;

  /* State */
  char                 *ca_file;
  GtkFileChooserNative *ca_chooser;
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (LkSignInPage, lk_sign_in_page, ADW_TYPE_BIN)

enum {
  SIGNAL_SUBMIT,
  SIGNAL_DEMO,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The order of the region combo's items. */
static const LkRegion region_order[] = { LK_REGION_US, LK_REGION_EU, LK_REGION_CUSTOM };
static const char *const region_setting[] = { "us", "eu", "custom" };

static LkRegion
get_region (LkSignInPage *self)
{
  guint selected = adw_combo_row_get_selected (self->region_row);

  if (selected >= G_N_ELEMENTS (region_order))
    return LK_REGION_US;

  return region_order[selected];
}

static void
set_row_error (GtkWidget *row,
               gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static const char *
editable_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
update_ca_row (LkSignInPage *self)
{
  if (self->ca_file != NULL)
    {
      g_autofree char *base = g_path_get_basename (self->ca_file);

      adw_action_row_set_subtitle (self->ca_row, base);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->ca_row), self->ca_file);
    }
  else
    {
      adw_action_row_set_subtitle (self->ca_row,
                                   _("Optional, for a self-hosted or proxied platform"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->ca_row), NULL);
    }

  gtk_widget_set_visible (self->ca_clear_button, self->ca_file != NULL);
}

static void
on_region_changed (LkSignInPage *self)
{
  gboolean custom = get_region (self) == LK_REGION_CUSTOM;

  gtk_widget_set_visible (GTK_WIDGET (self->api_url_row), custom);
  gtk_widget_set_visible (GTK_WIDGET (self->token_url_row), custom);
  gtk_widget_set_visible (GTK_WIDGET (self->ca_row), custom);
}

static void
on_field_changed (LkSignInPage *self,
                  GtkEditable  *editable)
{
  set_row_error (GTK_WIDGET (editable), FALSE);
}

static void
on_ca_chooser_response (LkSignInPage         *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        {
          g_free (self->ca_file);
          self->ca_file = g_file_get_path (file);
          update_ca_row (self);
        }
    }

  g_clear_object (&self->ca_chooser);
}

static void
on_ca_choose_clicked (LkSignInPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr (GtkFileFilter) pem = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  if (self->ca_chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->ca_chooser));
      return;
    }

  self->ca_chooser = gtk_file_chooser_native_new (_("Choose a CA Certificate"),
                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                  _("_Open"),
                                                  _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->ca_chooser), TRUE);

  gtk_file_filter_set_name (pem, _("PEM Certificates"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_pattern (pem, "*.cer");
  gtk_file_filter_add_mime_type (pem, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->ca_chooser), pem);

  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->ca_chooser), all);

  g_signal_connect_object (self->ca_chooser, "response",
                           G_CALLBACK (on_ca_chooser_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->ca_chooser));
}

static void
on_ca_clear_clicked (LkSignInPage *self)
{
  g_clear_pointer (&self->ca_file, g_free);
  update_ca_row (self);
}

static void
on_sign_in_clicked (LkSignInPage *self)
{
  lk_sign_in_page_submit (self);
}

static void
on_client_id_activated (LkSignInPage *self)
{
  if (editable_text (self->secret_row)[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->secret_row));
  else
    lk_sign_in_page_submit (self);
}

static void
on_secret_activated (LkSignInPage *self)
{
  lk_sign_in_page_submit (self);
}

/* Check Connection: the form's platform and credentials, each step of
 * signing in, in a dialog (lk-connection-check-dialog.c). */
static void
on_check_clicked (LkSignInPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autoptr (LkSecretString) secret = NULL;

  platform = lk_sign_in_page_get_platform (self, &error);
  if (platform == NULL)
    {
      lk_sign_in_page_show_error (self, NULL, error);
      return;
    }

  secret = lk_sign_in_page_dup_secret (self);
  lk_connection_check_dialog_present (GTK_WIDGET (self), platform,
                                      lk_sign_in_page_get_client_id (self), secret);
}

static void
on_demo_clicked (LkSignInPage *self)
{
  lk_sign_in_page_clear_error (self);
  g_signal_emit (self, signals[SIGNAL_DEMO], 0);
}

static void
show_error_text (LkSignInPage *self,
                 const char   *heading,
                 const char   *body)
{
  gtk_label_set_text (self->error_heading, heading);
  gtk_label_set_text (self->error_body, body);
  gtk_widget_set_visible (GTK_WIDGET (self->error_body), body != NULL && body[0] != '\0');
  gtk_widget_set_visible (self->error_box, TRUE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_box),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, heading,
                                  -1);
}

static void
lk_sign_in_page_dispose (GObject *object)
{
  LkSignInPage *self = LK_SIGN_IN_PAGE (object);

  if (self->ca_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->ca_chooser));
  g_clear_object (&self->ca_chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_SIGN_IN_PAGE);

  G_OBJECT_CLASS (lk_sign_in_page_parent_class)->dispose (object);
}

static void
lk_sign_in_page_finalize (GObject *object)
{
  LkSignInPage *self = LK_SIGN_IN_PAGE (object);

  g_free (self->ca_file);

  G_OBJECT_CLASS (lk_sign_in_page_parent_class)->finalize (object);
}

static void
lk_sign_in_page_class_init (LkSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_sign_in_page_dispose;
  object_class->finalize = lk_sign_in_page_finalize;

  signals[SIGNAL_SUBMIT] =
    g_signal_new ("submit",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_DEMO] =
    g_signal_new ("demo",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/layerkeys/LayerKeys/sign-in/lk-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, form_box);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, error_box);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, error_heading);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, error_body);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, region_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, token_url_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, ca_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, ca_clear_button);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, ca_choose_button);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, secret_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, sign_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, LkSignInPage, demo_button);
  gtk_widget_class_bind_template_callback (widget_class, on_region_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_clear_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_check_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_client_id_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_secret_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_demo_clicked);
}

static void
lk_sign_in_page_init (LkSignInPage *self)
{
  const char *peek[] = { _("Show Secret"), NULL };

  gtk_widget_init_template (GTK_WIDGET (self));
  on_region_changed (self);
  /* The password row's peek button is announced "GtkImage" otherwise. */
  lk_a11y_name_icon_buttons (GTK_WIDGET (self->secret_row), peek);
}

GtkWidget *
lk_sign_in_page_new (void)
{
  return g_object_new (LK_TYPE_SIGN_IN_PAGE, NULL);
}

LkPlatform *
lk_sign_in_page_get_platform (LkSignInPage *self,
                              GError      **error)
{
  LkRegion region;
  LkPlatform *platform;
  g_autofree char *api_base = NULL;
  g_autofree char *token_url = NULL;

  g_return_val_if_fail (LK_IS_SIGN_IN_PAGE (self), NULL);

  region = get_region (self);
  if (region != LK_REGION_CUSTOM)
    return lk_platform_new_region (region);

  api_base = g_strstrip (g_strdup (editable_text (self->api_url_row)));
  token_url = g_strstrip (g_strdup (editable_text (self->token_url_row)));
  platform = lk_platform_new_custom (api_base, token_url, self->ca_file, error);

  return platform;
}

const char *
lk_sign_in_page_get_client_id (LkSignInPage *self)
{
  g_return_val_if_fail (LK_IS_SIGN_IN_PAGE (self), NULL);

  return editable_text (self->client_id_row);
}

char *
lk_sign_in_page_dup_secret (LkSignInPage *self)
{
  g_return_val_if_fail (LK_IS_SIGN_IN_PAGE (self), NULL);

  return g_strdup (editable_text (self->secret_row));
}

gboolean
lk_sign_in_page_get_remember (LkSignInPage *self)
{
  g_return_val_if_fail (LK_IS_SIGN_IN_PAGE (self), FALSE);

  return gtk_switch_get_active (self->remember_switch);
}

void
lk_sign_in_page_set_region (LkSignInPage *self,
                            LkRegion      region)
{
  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));

  for (guint i = 0; i < G_N_ELEMENTS (region_order); i++)
    if (region_order[i] == region)
      adw_combo_row_set_selected (self->region_row, i);
}

void
lk_sign_in_page_set_custom (LkSignInPage *self,
                            const char   *api_base,
                            const char   *token_url,
                            const char   *ca_file)
{
  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->api_url_row), api_base ? api_base : "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_url_row), token_url ? token_url : "");
  g_free (self->ca_file);
  self->ca_file = (ca_file != NULL && ca_file[0] != '\0') ? g_strdup (ca_file) : NULL;
  update_ca_row (self);
}

void
lk_sign_in_page_set_client_id (LkSignInPage *self,
                               const char   *client_id)
{
  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->client_id_row), client_id ? client_id : "");
}

void
lk_sign_in_page_set_secret (LkSignInPage *self,
                            const char   *secret)
{
  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), secret ? secret : "");
}

void
lk_sign_in_page_set_remember (LkSignInPage *self,
                              gboolean      remember)
{
  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));

  gtk_switch_set_active (self->remember_switch, remember);
}

void
lk_sign_in_page_clear_secret (LkSignInPage *self)
{
  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
}

void
lk_sign_in_page_load_settings (LkSignInPage *self,
                               GSettings    *settings)
{
  g_autofree char *region = NULL;
  g_autofree char *api_base = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *client_id = NULL;

  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  region = g_settings_get_string (settings, "region");
  api_base = g_settings_get_string (settings, "custom-api-url");
  token_url = g_settings_get_string (settings, "custom-token-url");
  ca_file = g_settings_get_string (settings, "custom-ca-file");
  client_id = g_settings_get_string (settings, "last-client-id");

  for (guint i = 0; i < G_N_ELEMENTS (region_setting); i++)
    if (g_strcmp0 (region, region_setting[i]) == 0)
      adw_combo_row_set_selected (self->region_row, i);

  lk_sign_in_page_set_custom (self, api_base, token_url, ca_file);
  lk_sign_in_page_set_client_id (self, client_id);
}

void
lk_sign_in_page_save_settings (LkSignInPage *self,
                               GSettings    *settings)
{
  guint selected;

  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  selected = adw_combo_row_get_selected (self->region_row);
  if (selected >= G_N_ELEMENTS (region_setting))
    selected = 0;

  g_settings_delay (settings);
  g_settings_set_string (settings, "region", region_setting[selected]);
  if (get_region (self) == LK_REGION_CUSTOM)
    {
      g_autofree char *api_base = g_strstrip (g_strdup (editable_text (self->api_url_row)));
      g_autofree char *token_url = g_strstrip (g_strdup (editable_text (self->token_url_row)));

      g_settings_set_string (settings, "custom-api-url", api_base);
      g_settings_set_string (settings, "custom-token-url", token_url);
      g_settings_set_string (settings, "custom-ca-file", self->ca_file ? self->ca_file : "");
    }
  g_settings_set_string (settings, "last-client-id", lk_sign_in_page_get_client_id (self));
  g_settings_apply (settings);
}

void
lk_sign_in_page_set_busy (LkSignInPage *self,
                          gboolean      busy)
{
  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));

  self->busy = !!busy;

  if (busy)
    {
      /* Move the focus out before the form turns insensitive, so the
       * focused entry gets its focus-out. */
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

      if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
        gtk_root_set_focus (root, NULL);
    }

  gtk_widget_set_sensitive (self->form_box, !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_spinner), busy);
  gtk_spinner_set_spinning (self->sign_in_spinner, busy);
  gtk_label_set_text_with_mnemonic (self->sign_in_label,
                                    busy ? _("Signing In…") : _("_Sign In"));
}

void
lk_sign_in_page_show_error (LkSignInPage *self,
                            const char   *heading,
                            const GError *error)
{
  const char *fitting_heading;
  const char *hint = NULL;
  g_autofree char *body = NULL;

  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (error != NULL);

  /* The core's messages already say what to do; a hint is added only
   * where they cannot know it. */
  if (error->domain == LK_CLIENT_ERROR)
    {
      switch ((LkClientError) error->code)
        {
        case LK_CLIENT_ERROR_AUTHENTICATION_FAILED:
          fitting_heading = _("Not accepted");
          hint = _("Check both values in the console under API Keys. An expired key cannot sign in: create a new one there.");
          set_row_error (GTK_WIDGET (self->client_id_row), TRUE);
          set_row_error (GTK_WIDGET (self->secret_row), TRUE);
          break;

        case LK_CLIENT_ERROR_NETWORK:
          fitting_heading = _("Could not reach the platform");
          break;

        case LK_CLIENT_ERROR_TLS:
          fitting_heading = _("No secure connection");
          break;

        case LK_CLIENT_ERROR_INVALID_PLATFORM:
          fitting_heading = _("The platform’s address is not valid");
          set_row_error (GTK_WIDGET (self->api_url_row), TRUE);
          set_row_error (GTK_WIDGET (self->token_url_row), TRUE);
          break;

        case LK_CLIENT_ERROR_PERMISSION_DENIED:
          fitting_heading = _("This key may not sign in here");
          hint = _("Sign in with a key that has this permission.");
          break;

        case LK_CLIENT_ERROR_RATE_LIMITED:
          fitting_heading = _("The platform is busy");
          break;

        case LK_CLIENT_ERROR_SERVER_ERROR:
        case LK_CLIENT_ERROR_MALFORMED_REPLY:
          fitting_heading = _("The platform could not answer");
          break;

        case LK_CLIENT_ERROR_ENDPOINT_MISSING:
          /* The credentials may be right: the platform lacks an endpoint. */
          fitting_heading = _("The platform does not offer what Layer Keys needs");
          break;

        case LK_CLIENT_ERROR_NOT_FOUND:
        case LK_CLIENT_ERROR_CONFLICT:
        case LK_CLIENT_ERROR_INVALID_INPUT:
        case LK_CLIENT_ERROR_NOT_SIGNED_IN:
        default:
          fitting_heading = _("Could not sign in");
          break;
        }
    }
  else if (g_error_matches (error, LK_STORE_ERROR, LK_STORE_ERROR_PLATFORM_CHANGED))
    {
      /* The remembered sign-in was bound to another token URL or CA file
       * (custody issue, point 3): its secret went nowhere. */
      fitting_heading = _("Sign in again");
      hint = _("The remembered sign-in was made for another token URL or CA file. If they changed by mistake, correct them under Custom; otherwise enter the client secret: with “Remember in keyring” on, this sign-in replaces the remembered one.");
      set_row_error (GTK_WIDGET (self->secret_row), TRUE);
    }
  else if (error->domain == LK_STORE_ERROR)
    {
      fitting_heading = _("The keyring could not be read");
      hint = _("Enter the client secret to sign in.");
    }
  else
    fitting_heading = _("Could not sign in");

  body = hint ? g_strdup_printf ("%s %s", error->message, hint) : g_strdup (error->message);
  show_error_text (self, heading ? heading : fitting_heading, body);
}

void
lk_sign_in_page_clear_error (LkSignInPage *self)
{
  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));

  gtk_widget_set_visible (self->error_box, FALSE);
  gtk_label_set_text (self->error_heading, "");
  gtk_label_set_text (self->error_body, "");
  set_row_error (GTK_WIDGET (self->client_id_row), FALSE);
  set_row_error (GTK_WIDGET (self->secret_row), FALSE);
  set_row_error (GTK_WIDGET (self->api_url_row), FALSE);
  set_row_error (GTK_WIDGET (self->token_url_row), FALSE);
}

gboolean
lk_sign_in_page_submit (LkSignInPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LkPlatform) platform = NULL;
  g_autofree char *client_id = NULL;
  GtkWidget *first_invalid = NULL;

  g_return_val_if_fail (LK_IS_SIGN_IN_PAGE (self), FALSE);

  if (self->busy)
    return FALSE;

  lk_sign_in_page_clear_error (self);

  platform = lk_sign_in_page_get_platform (self, &error);
  if (platform == NULL)
    {
      lk_sign_in_page_show_error (self, NULL, error);
      first_invalid = editable_text (self->api_url_row)[0] == '\0' ?
        GTK_WIDGET (self->api_url_row) : GTK_WIDGET (self->token_url_row);
      gtk_widget_grab_focus (first_invalid);
      return FALSE;
    }

  client_id = g_strstrip (g_strdup (editable_text (self->client_id_row)));
  if (client_id[0] == '\0')
    {
      set_row_error (GTK_WIDGET (self->client_id_row), TRUE);
      first_invalid = GTK_WIDGET (self->client_id_row);
    }
  if (editable_text (self->secret_row)[0] == '\0')
    {
      set_row_error (GTK_WIDGET (self->secret_row), TRUE);
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->secret_row);
    }

  if (first_invalid != NULL)
    {
      show_error_text (self,
                       _("Enter the client ID and the client secret"),
                       _("Both belong to the API key you sign in with."));
      gtk_widget_grab_focus (first_invalid);
      return FALSE;
    }

  if (g_strcmp0 (client_id, editable_text (self->client_id_row)) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->client_id_row), client_id);

  g_signal_emit (self, signals[SIGNAL_SUBMIT], 0);
  return TRUE;
}

void
lk_sign_in_page_focus (LkSignInPage *self)
{
  g_return_if_fail (LK_IS_SIGN_IN_PAGE (self));

  if (editable_text (self->client_id_row)[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->client_id_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->secret_row));
}

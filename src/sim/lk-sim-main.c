/* lk-sim-main.c: layer-keys-sim, the platform simulator as a program
 *
 * Starts a simulated tenant on 127.0.0.1 and prints where it listens and
 * the admin key to sign in with, one "name: value" line each, so scripts
 * can read them.  Printing the admin secret of a simulated tenant is the
 * point of this test tool; it never prints anything else secret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lk-sim-main"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

#include "lk-simulator.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkSimulator) simulator = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  int port = 0;
  int n_keys = 0;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Port to listen on (0 picks a free one)"), N_("PORT") },
    { "keys", 'k', 0, G_OPTION_ARG_INT, &n_keys,
      N_("Generated keys to add to the demo tenant"), N_("N") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      N_("PEM certificate: serve HTTPS"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      N_("PEM private key of the certificate"), N_("FILE") },
    { NULL }
  };
  guint sigint_id, sigterm_id;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Serves a simulated HiddenLayer tenant on 127.0.0.1 for tests and demos."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (port < 0 || port > G_MAXUINT16 || n_keys < 0)
    {
      g_printerr ("%s\n", _("The port must be 0 to 65535 and the number of keys 0 or more."));
      return 2;
    }

  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_printerr ("%s\n", _("Give both --tls-cert and --tls-key, or neither."));
      return 2;
    }

  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        {
          /* Translators: %s is the reason */
          g_printerr (_("Could not load the certificate: %s\n"), error->message);
          return 1;
        }
    }

  simulator = lk_simulator_new ();
  lk_simulator_seed (simulator, (guint) n_keys);
  if (!lk_simulator_start (simulator, (guint16) port, certificate, &error))
    {
      /* Translators: %s is the reason */
      g_printerr (_("Could not start the simulator: %s\n"), error->message);
      return 1;
    }

  /* Machine-readable lines: not translated. */
  token_url = lk_simulator_get_token_url (simulator);
  g_print ("url: %s\n", lk_simulator_get_base_url (simulator));
  g_print ("token-url: %s\n", token_url);
  g_print ("client-id: %s\n", lk_simulator_get_admin_client_id (simulator));
  g_print ("client-secret: %s\n", lk_simulator_get_admin_client_secret (simulator));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  lk_simulator_stop (simulator);
  return 0;
}

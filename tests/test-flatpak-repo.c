/* test-flatpak-repo.c: build-aux/flatpak-repo's files, offline
 *
 * Runs build-aux/flatpak-repo --no-build (the GNOME SDK cannot be
 * downloaded here) and reads what it writes with GLib's key file parser,
 * the one Flatpak uses: the .flatpakref and .flatpakrepo carry every key
 * Flatpak needs, GPGKey exactly when the repository is signed (with a
 * throwaway key made here), and Flatpak itself accepts the .flatpakrepo.
 * A manifest that fails the project's validators is refused before
 * anything is written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#define FLATHUB_REPO_FILE "https://dl.flathub.org/repo/flathub.flatpakrepo"
#define TEST_URL "https://example.org/layer-keys"

static char *scratch;
static char *script;
static char *source_root;
static char *build_root;

/* Runs @argv (NULL-terminated) with @envp added; returns the exit status. */
static int
run (const char * const *argv,
     const char * const *envp,
     char              **out_stdout,
     char              **out_stderr)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = g_get_environ ();
  g_autofree char *command = g_strjoinv (" ", (char **) argv);
  char *so = NULL, *se = NULL;
  int status = 0;

  for (guint i = 0; envp != NULL && envp[i] != NULL; i += 2)
    env = g_environ_setenv (env, envp[i], envp[i + 1], TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &so, &se, &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  g_test_message ("$ %s\n%s%s", command, so, se);
  if (out_stdout != NULL)
    *out_stdout = so;
  else
    g_free (so);
  if (out_stderr != NULL)
    *out_stderr = se;
  else
    g_free (se);
  return g_spawn_check_wait_status (status, NULL) ? 0 : (WIFEXITED (status) ? WEXITSTATUS (status) : -1);
}

static char *
manifest_path (void)
{
  return g_build_filename (source_root, "flatpak", APP_ID ".json", NULL);
}

/* build-aux/flatpak-repo --no-build into @out, with @extra arguments. */
static int
run_script (const char          *out,
            const char          *manifest,
            const char * const  *extra,
            char               **out_stderr)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *default_manifest = manifest_path ();

  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, (char *) "--no-build");
  g_ptr_array_add (argv, (char *) "--manifest");
  g_ptr_array_add (argv, (char *) (manifest ? manifest : default_manifest));
  g_ptr_array_add (argv, (char *) "--out");
  g_ptr_array_add (argv, (char *) out);
  g_ptr_array_add (argv, (char *) "--url");
  g_ptr_array_add (argv, (char *) TEST_URL);
  /* The metainfo and desktop file of this build, not a throwaway one. */
  g_ptr_array_add (argv, (char *) "--meson-builddir");
  g_ptr_array_add (argv, build_root);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);
  return run ((const char * const *) argv->pdata, NULL, NULL, out_stderr);
}

static GKeyFile *
load_key_file (const char *path)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) error = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error))
    g_error ("%s is not a key file: %s", path, error->message);
  return g_steal_pointer (&file);
}

static char *
get_string (GKeyFile   *file,
            const char *group,
            const char *key)
{
  g_autoptr (GError) error = NULL;
  char *value = g_key_file_get_string (file, group, key, &error);

  if (value == NULL)
    g_error ("[%s] %s: %s", group, key, error->message);
  g_assert_cmpstr (value, !=, "");
  return value;
}

/* What every .flatpakref of ours has; GPGKey is checked by the caller. */
static void
assert_flatpakref (GKeyFile *ref)
{
  g_autofree char *title = get_string (ref, "Flatpak Ref", "Title");
  g_autofree char *name = get_string (ref, "Flatpak Ref", "Name");
  g_autofree char *branch = get_string (ref, "Flatpak Ref", "Branch");
  g_autofree char *url = get_string (ref, "Flatpak Ref", "Url");
  g_autofree char *runtime_repo = get_string (ref, "Flatpak Ref", "RuntimeRepo");
  g_autoptr (GError) error = NULL;
  gboolean is_runtime;

  g_assert_cmpstr (title, ==, "Layer Keys");
  g_assert_cmpstr (name, ==, APP_ID);
  g_assert_cmpstr (branch, ==, "stable");
  g_assert_cmpstr (url, ==, TEST_URL "/repo/");
  /* The GNOME runtime comes from Flathub by itself. */
  g_assert_cmpstr (runtime_repo, ==, FLATHUB_REPO_FILE);
  is_runtime = g_key_file_get_boolean (ref, "Flatpak Ref", "IsRuntime", &error);
  g_assert_no_error (error);
  g_assert_false (is_runtime);
}

static void
assert_flatpakrepo (GKeyFile *repo)
{
  g_autofree char *title = get_string (repo, "Flatpak Repo", "Title");
  g_autofree char *url = get_string (repo, "Flatpak Repo", "Url");
  g_autofree char *branch = get_string (repo, "Flatpak Repo", "DefaultBranch");

  g_assert_cmpstr (title, ==, "Layer Keys");
  g_assert_cmpstr (url, ==, TEST_URL "/repo/");
  g_assert_cmpstr (branch, ==, "stable");
}

/* Flatpak's own parser: `flatpak remote-add --from` in a throwaway user
 * installation (it cannot reach the URL, which it only warns about). */
static void
assert_flatpak_accepts (const char *repo_file,
                        gboolean    signed_repo)
{
  g_autofree char *user_dir = g_build_filename (scratch, signed_repo ? "flatpak-signed" : "flatpak-unsigned", NULL);
  const char *env[] = { "FLATPAK_USER_DIR", user_dir, NULL };
  const char *add_signed[] = { "flatpak", "remote-add", "--user", "--from", "layerkeys", repo_file, NULL };
  const char *add_unsigned[] = { "flatpak", "remote-add", "--user", "--no-gpg-verify", "--from", "layerkeys", repo_file, NULL };
  const char *list[] = { "flatpak", "remotes", "--user", "--show-details", NULL };
  g_autofree char *remotes = NULL;
  g_autofree char *flatpak = g_find_program_in_path ("flatpak");

  if (flatpak == NULL)
    {
      g_test_message ("flatpak is not installed (build-aux/dev installs it): not asked");
      return;
    }
  g_assert_cmpint (run (signed_repo ? add_signed : add_unsigned, env, NULL, NULL), ==, 0);
  g_assert_cmpint (run (list, env, &remotes, NULL), ==, 0);
  g_assert_nonnull (strstr (remotes, "layerkeys"));
  g_assert_nonnull (strstr (remotes, TEST_URL "/repo/"));
  if (signed_repo)
    g_assert_null (strstr (remotes, "no-gpg-verify"));
}

static void
test_unsigned (void)
{
  g_autofree char *out = g_build_filename (scratch, "unsigned", NULL);
  g_autofree char *ref_path = g_build_filename (out, APP_ID ".flatpakref", NULL);
  g_autofree char *repo_path = g_build_filename (out, "layerkeys.flatpakrepo", NULL);
  g_autoptr (GKeyFile) ref = NULL;
  g_autoptr (GKeyFile) repo = NULL;

  g_assert_cmpint (run_script (out, NULL, NULL, NULL), ==, 0);
  ref = load_key_file (ref_path);
  repo = load_key_file (repo_path);
  assert_flatpakref (ref);
  assert_flatpakrepo (repo);
  g_assert_false (g_key_file_has_key (ref, "Flatpak Ref", "GPGKey", NULL));
  g_assert_false (g_key_file_has_key (repo, "Flatpak Repo", "GPGKey", NULL));
  assert_flatpak_accepts (repo_path, FALSE);
}

/* The fingerprint of the one key in GnuPG home @home. */
static char *
fingerprint (const char *home)
{
  const char *argv[] = { "gpg", "--batch", "--homedir", home, "--with-colons", "--list-keys", NULL };
  g_autofree char *listing = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_cmpint (run (argv, NULL, &listing, NULL), ==, 0);
  lines = g_strsplit (listing, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "fpr:"))
      {
        g_auto (GStrv) fields = g_strsplit (lines[i], ":", -1);

        g_assert_cmpuint (g_strv_length (fields), >, 9);
        return g_strdup (fields[9]);
      }
  g_error ("no key in %s", home);
}

static void
stop_agent (const char *home)
{
  const char *argv[] = { "gpgconf", "--homedir", home, "--kill", "gpg-agent", NULL };

  run (argv, NULL, NULL, NULL);
}

static void
test_signed (void)
{
  g_autofree char *home = g_build_filename (scratch, "gnupg", NULL);
  g_autofree char *other = g_build_filename (scratch, "gnupg-import", NULL);
  g_autofree char *out = g_build_filename (scratch, "signed", NULL);
  g_autofree char *ref_path = g_build_filename (out, APP_ID ".flatpakref", NULL);
  g_autofree char *repo_path = g_build_filename (out, "layerkeys.flatpakrepo", NULL);
  g_autofree char *key_path = g_build_filename (scratch, "exported.gpg", NULL);
  g_autofree char *fpr = NULL;
  g_autofree char *imported = NULL;
  g_autofree char *ref_key = NULL;
  g_autofree char *repo_key = NULL;
  g_autofree guchar *key = NULL;
  g_autoptr (GKeyFile) ref = NULL;
  g_autoptr (GKeyFile) repo = NULL;
  gsize key_len;
  const char *generate[] = {
    "gpg", "--batch", "--homedir", home, "--pinentry-mode", "loopback", "--passphrase", "",
    "--quick-generate-key", "Layer Keys test <test@example.invalid>", "ed25519", "sign", "1d", NULL
  };
  const char *import[] = { "gpg", "--batch", "--homedir", other, "--import", key_path, NULL };

  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (other, 0700), ==, 0);
  g_assert_cmpint (run (generate, NULL, NULL, NULL), ==, 0);
  fpr = fingerprint (home);

  {
    const char *extra[] = { "--gpg-sign", fpr, "--gpg-homedir", home, NULL };

    g_assert_cmpint (run_script (out, NULL, extra, NULL), ==, 0);
  }
  ref = load_key_file (ref_path);
  repo = load_key_file (repo_path);
  assert_flatpakref (ref);
  assert_flatpakrepo (repo);

  /* GPGKey: the signing key's public part, binary, base64 on one line. */
  ref_key = get_string (ref, "Flatpak Ref", "GPGKey");
  repo_key = get_string (repo, "Flatpak Repo", "GPGKey");
  g_assert_cmpstr (ref_key, ==, repo_key);
  g_assert_null (strchr (ref_key, '\n'));
  g_assert_null (strstr (ref_key, "BEGIN PGP"));
  key = g_base64_decode (ref_key, &key_len);
  g_assert_cmpuint (key_len, >, 32);
  g_assert_true (g_file_set_contents (key_path, (const char *) key, key_len, NULL));
  g_assert_cmpint (run (import, NULL, NULL, NULL), ==, 0);
  imported = fingerprint (other);
  g_assert_cmpstr (imported, ==, fpr);

  assert_flatpak_accepts (repo_path, TRUE);

  /* A key that is not there is refused. */
  {
    g_autofree char *refused = g_build_filename (scratch, "signed-missing-key", NULL);
    const char *extra[] = { "--gpg-sign", "0123456789ABCDEF0123456789ABCDEF01234567", "--gpg-homedir", home, NULL };

    g_assert_cmpint (run_script (refused, NULL, extra, NULL), !=, 0);
  }

  stop_agent (home);
  stop_agent (other);
}

/* A manifest in its own folder, its dir source pointing at the sources. */
static char *
write_manifest (const char *name,
                const char *find,
                const char *replace)
{
  g_autofree char *manifest = manifest_path ();
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_build_filename (scratch, name, NULL);
  g_autofree char *quoted_root = g_strdup_printf ("\"path\": \"%s\"", source_root);
  g_autoptr (GString) text = NULL;
  char *path = g_build_filename (dir, APP_ID ".json", NULL);

  g_assert_true (g_file_get_contents (manifest, &contents, NULL, NULL));
  text = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (text, "\"path\": \"..\"", quoted_root, 1), ==, 1);
  if (find != NULL)
    g_assert_cmpuint (g_string_replace (text, find, replace, 1), ==, 1);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  return path;
}

static void
assert_refused (const char *name,
                const char *find,
                const char *replace)
{
  g_autofree char *manifest = write_manifest (name, find, replace);
  g_autofree char *out = g_strconcat (manifest, ".out", NULL);
  g_autofree char *ref_path = g_build_filename (out, APP_ID ".flatpakref", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (run_script (out, manifest, NULL, &err), !=, 0);
  g_assert_nonnull (strstr (err, "check-flatpak"));
  g_assert_false (g_file_test (ref_path, G_FILE_TEST_EXISTS));
}

static void
test_refuses_failing_manifest (void)
{
  /* The same manifest passes, wherever it is... */
  {
    g_autofree char *manifest = write_manifest ("good", NULL, NULL);
    g_autofree char *out = g_strconcat (manifest, ".out", NULL);

    g_assert_cmpint (run_script (out, manifest, NULL, NULL), ==, 0);
  }
  /* ...but not with an end-of-life runtime, another hole in the sandbox,
   * a branch to build from, or broken JSON. */
  assert_refused ("old-runtime", "\"runtime-version\": \"51\"", "\"runtime-version\": \"47\"");
  assert_refused ("more-access", "\"--device=dri\",", "\"--device=dri\", \"--filesystem=home\",");
  assert_refused ("top-level-branch", "\"sdk\":", "\"branch\": \"stable\", \"sdk\":");
  assert_refused ("not-json", "\"modules\": [", "\"modules\": [[");
}

static void
test_bundle_needs_repository (void)
{
  g_autofree char *out = g_build_filename (scratch, "bundle", NULL);
  const char *extra[] = { "--bundle", NULL };

  g_assert_cmpint (run_script (out, NULL, extra, NULL), !=, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  source_root = g_strdup (g_getenv ("LK_SOURCE_ROOT"));
  build_root = g_strdup (g_getenv ("LK_BUILD_ROOT"));
  g_assert_nonnull (source_root);
  g_assert_nonnull (build_root);
  script = g_build_filename (source_root, "build-aux", "flatpak-repo", NULL);
  scratch = g_dir_make_tmp ("layer-keys-flatpak-repo.XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/lk/flatpak-repo/unsigned", test_unsigned);
  g_test_add_func ("/lk/flatpak-repo/signed", test_signed);
  g_test_add_func ("/lk/flatpak-repo/refuses-failing-manifest", test_refuses_failing_manifest);
  g_test_add_func ("/lk/flatpak-repo/bundle-needs-repository", test_bundle_needs_repository);

  ret = g_test_run ();

  {
    const char *rm[] = { "rm", "-rf", scratch, NULL };

    run (rm, NULL, NULL, NULL);
  }
  g_free (scratch);
  g_free (script);
  g_free (source_root);
  g_free (build_root);
  return ret;
}

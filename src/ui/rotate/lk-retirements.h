/* lk-retirements.h: the keys whose deletion a rotation scheduled, for the list
 *
 * The scheduled deletions of one platform (lk_rotation_list_scheduled_async),
 * kept as a table the key list draws from ("Retires in 23 hours"), read
 * again on lk_retirements_reload(); "changed" says when the table did.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-platform.h"

G_BEGIN_DECLS

#define LK_TYPE_RETIREMENTS (lk_retirements_get_type ())
G_DECLARE_FINAL_TYPE (LkRetirements, lk_retirements, LK, RETIREMENTS, GObject)

LkRetirements *lk_retirements_new          (void);
/* Follows @platform's scheduled deletions (NULL: none), and reads them. */
void           lk_retirements_set_platform (LkRetirements *self,
                                            LkPlatform    *platform);
/* Reads them again (after a rotation, a resume, a change). */
void           lk_retirements_reload       (LkRetirements *self);
/* Key ID -> gint64 * (Unix seconds): the table itself, owned by @self. */
GHashTable    *lk_retirements_get_times    (LkRetirements *self);
/* When @key_id is to be deleted, or 0. */
gint64         lk_retirements_get          (LkRetirements *self,
                                            const char    *key_id);

G_END_DECLS

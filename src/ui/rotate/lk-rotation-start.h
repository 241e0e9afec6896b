/* lk-rotation-start.h: after each sign-in, what earlier runs left
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-window.h"

G_BEGIN_DECLS

/* @window's session has just signed in with @client: once its first list
 * is done, rotations cut short are finished or rolled back, creates whose
 * reply was lost are settled and due deletions carried out
 * (lk_rotation_resume_async()); then the list is refreshed and the
 * scheduled deletions read again.  What was done is said in toasts; a
 * recovered secret that is in no keyring is shown once. */
void lk_rotation_start (LkWindow *window,
                        LkClient *client);

G_END_DECLS

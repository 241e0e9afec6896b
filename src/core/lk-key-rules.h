/* lk-key-rules.h: what makes a key name and an expiry acceptable
 *
 * The one home of these rules: the client checks them as you type and
 * before it sends anything, and the platform (the simulator) applies the
 * same ones.  Errors are LK_CLIENT_ERROR_INVALID_INPUT with a sentence a
 * person can act on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What is wrong with a key name, if anything: the rule itself, for
 * whoever words it (the client for a person, the platform for its error
 * body).  Names are checked after trimming white space at both ends. */
typedef enum {
  LK_KEY_NAME_OK,
  LK_KEY_NAME_NOT_UTF8,
  LK_KEY_NAME_EMPTY,
  LK_KEY_NAME_CONTROL_CHARACTER,
  LK_KEY_NAME_LINE_SEPARATOR,      /* U+2028, U+2029 */
  LK_KEY_NAME_TOO_LONG,            /* over LK_WIRE_NAME_MAX_CHARS characters */
  LK_KEY_NAME_INVISIBLE_CHARACTER, /* bidi controls, zero-width and other
                                    * format characters: see
                                    * lk_key_name_char_is_invisible() */
} LkKeyNameProblem;

LkKeyNameProblem lk_key_name_check (const char *name);

/* Names: 1 to 64 characters after trimming, valid UTF-8, no control
 * characters, no line or paragraph separators (U+2028, U+2029) and no
 * invisible characters (see below).  NULL is the empty name. */
gboolean lk_validate_key_name (const char  *name,
                               GError     **error);

/* Expiry: between 1 and 365 days after @now (both in seconds since the
 * epoch, counted in the user's calendar days). */
gboolean lk_validate_expiry   (gint64       now,
                               gint64       expires_at,
                               GError     **error);

/* Whether the character at @p (in the valid UTF-8 text that starts at
 * @text) is one a name may not hold because it cannot be seen or changes
 * how the text around it is ordered:
 *   - every format character (Unicode category Cf): the bidirectional
 *     embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069),
 *     the marks U+200E, U+200F and U+061C, the zero-width space, joiners
 *     and word joiner (U+200B..U+200D, U+2060), U+FEFF, the soft hyphen,
 *     the tag characters...; except
 *       - U+200D ZERO WIDTH JOINER inside an emoji sequence (between an
 *         emoji, possibly with its skin tone or U+FE0F, and the next
 *         emoji: "👩‍👩‍👧");
 *       - U+200C and U+200D between two letters (or marks) of a script in
 *         which they change how letters join or conjoin (Arabic, Syriac,
 *         N'Ko, Mongolian and the Brahmic scripts of India and Sri
 *         Lanka), as in Persian "می‌خواهم";
 *       - tag characters (U+E0020..U+E007F) in a flag tag sequence after
 *         U+1F3F4 ("🏴 + tags" is the flag of England);
 *   - the Hangul fillers and the combining grapheme joiner, which draw
 *     nothing (U+115F, U+1160, U+3164, U+FFA0, U+034F);
 *   - a variation selector (U+FE00..U+FE0F, U+E0100..U+E01EF) that does
 *     not follow a symbol, a digit, '#', '*' or a Han ideograph, where it
 *     would change nothing visible. */
gboolean lk_key_name_char_is_invisible (const char *text,
                                        const char *p);

/* @name as a confirmation or a label should show it: every character
 * that lk_key_name_char_is_invisible() refuses, and every control
 * character, shown as its code point between angle brackets
 * ("⟨U+202E⟩"), so that a name from the platform can neither hide a
 * character nor reorder the sentence around it.  Bytes that are not
 * UTF-8 become U+FFFD.  NULL gives "". */
char    *lk_key_name_make_visible      (const char *name);

G_END_DECLS

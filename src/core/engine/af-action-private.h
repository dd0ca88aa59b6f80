/* af-action-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows of the action table, shared by af-action.c (the table) and
 * af-action-text.c (which renders a row's words).
 */

#pragma once

#include "af-action.h"

G_BEGIN_DECLS

/* Which of an action's parameters its one-line description names, in
 * the order its format string takes them. */
typedef enum
{
  AF_ACTION_WORDS_NONE,
  AF_ACTION_WORDS_TITLE,       /* the item's subject */
  AF_ACTION_WORDS_TITLE_LABEL, /* subject, params.label */
  AF_ACTION_WORDS_LABEL_TITLE, /* params.label, subject */
  AF_ACTION_WORDS_RECIPIENT,   /* params.to, or the sender replied to */
  AF_ACTION_WORDS_CHANNEL,     /* params.channel */
  AF_ACTION_WORDS_SUMMARY,     /* params.summary, else the subject */
} AfActionWords;

typedef struct
{
  const char   *id;
  const char   *service;
  const char   *permission;
  const char   *inverse;
  const char   *text_param;
  const char   *target_param; /* what a rule names for it: a label, a channel */
  guint         side_effect : 1;
  guint         batchable : 1;
  guint         ask_after_untrusted : 1;
  AfActionWords words;
  /* Untranslated (N_) format strings; NULL when the action has none. */
  const char *title;
  const char *todo;
  const char *done;
  /* AF_ACTION_WORDS_RECIPIENT without a "to": a reply to the sender. */
  const char *reply_todo;
  const char *reply_done;
  /* Singular and plural, for ngettext(). */
  const char *count_todo[2];
  const char *count_done[2];
  const char *consequence;
  const char *always;
} AfActionRow;

const AfActionRow *af_action_row (const char *action);

/* The engine's GResource, registered once whoever asks first. */
void af_engine_ensure_resource (void);

G_END_DECLS

/* af-template-expand-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The {{field}} expansion of an action's params with the fields of the
 * item that triggered it (mail, event, message: written by anyone):
 * af-template-expand.c, used by a run and by the fuzz harness.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* @text with each {{field}} replaced by @item's string member (nullable
 * @item: all removed). */
char *af_engine_expand_text (const char *text,
                             JsonObject *item);

/* A new object: @params with every string member expanded. */
JsonObject *af_engine_expand_params (JsonObject *params,
                                     JsonObject *item);

G_END_DECLS

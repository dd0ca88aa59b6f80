/* af-list-head.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AF_TYPE_LIST_HEAD (af_list_head_get_type ())

G_DECLARE_FINAL_TYPE (AfListHead, af_list_head, AF, LIST_HEAD, GObject)

AfListHead *af_list_head_new (GListModel *model,
                              guint       limit);
GListModel *af_list_head_get_model (AfListHead *self);
void        af_list_head_set_model (AfListHead *self,
                                    GListModel *model);
guint       af_list_head_get_limit (AfListHead *self);
void        af_list_head_set_limit (AfListHead *self,
                                    guint       limit);
gboolean    af_list_head_is_complete (AfListHead *self);

G_END_DECLS

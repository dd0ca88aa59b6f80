/* af-template-picker.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AF_TYPE_TEMPLATE_PICKER (af_template_picker_get_type ())

G_DECLARE_FINAL_TYPE (AfTemplatePicker, af_template_picker, AF, TEMPLATE_PICKER, AdwWindow)

AfTemplatePicker *af_template_picker_new (GtkWindow         *parent,
                                          GListModel        *templates,
                                          const char *const *connected_services);
void              af_template_picker_choose (AfTemplatePicker *self,
                                             const char       *template_id);

G_END_DECLS

/* af-model-settings.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "af-engine.h"
#include "af-http-client.h"

G_BEGIN_DECLS

#define AF_TYPE_MODEL_SETTINGS (af_model_settings_get_type ())

G_DECLARE_FINAL_TYPE (AfModelSettings, af_model_settings, AF, MODEL_SETTINGS, GObject)

AfModelSettings *af_model_settings_bind (AfEngine     *engine,
                                         GSettings    *settings,
                                         AfHttpClient *http);
AfModelSettings *af_model_settings_get_for_engine (AfEngine *engine);

GSettings *af_model_settings_get_settings (AfModelSettings *self);
gboolean   af_model_settings_get_active (AfModelSettings *self);
char      *af_model_settings_normalize_endpoint (char *endpoint);

void     af_model_settings_set_api_key_async (AfModelSettings    *self,
                                              const char         *endpoint,
                                              const char         *key,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean af_model_settings_set_api_key_finish (AfModelSettings *self,
                                               GAsyncResult    *result,
                                               GError         **error);
void     af_model_settings_lookup_api_key_async (AfModelSettings    *self,
                                                 const char         *endpoint,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
char    *af_model_settings_lookup_api_key_finish (AfModelSettings *self,
                                                  GAsyncResult    *result,
                                                  GError         **error);
gboolean af_model_settings_check_endpoint (const char *endpoint,
                                           GError    **error);
void     af_model_settings_test_endpoint_async (AfModelSettings    *self,
                                                const char         *endpoint,
                                                const char         *key,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
guint    af_model_settings_test_endpoint_finish (AfModelSettings *self,
                                                 GAsyncResult    *result,
                                                 GError         **error);

G_END_DECLS

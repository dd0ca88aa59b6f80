/* af-vault.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-vault"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "af-error.h"
#include "af-vault.h"

/* Credentials live in the Secret Service and nowhere else: when it is
 * missing or locked the caller gets an error, never a fallback file. One
 * item per (service, account, agent); storing replaces the item in one
 * D-Bus call, so a rotated refresh token is never half-written. */

struct _AfVault
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (AfVault, af_vault, G_TYPE_OBJECT)

static const SecretSchema schema = {
  "org.agentflow.App.Credential",
  SECRET_SCHEMA_NONE,
  {
      { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "agent", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

/**
 * af_vault_get_schema:
 *
 * Returns: the schema `org.agentflow.App.Credential` with attributes
 *   service, account and agent (empty for a shared connection)
 */
const SecretSchema *
af_vault_get_schema (void)
{
  return &schema;
}

static GError *
map_error (GError *error)
{
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    mapped = g_error_new_literal (AF_ERROR, AF_ERROR_KEYRING_LOCKED,
                                  _ ("The keyring is locked — unlock it and try again"));
  else
    {
      /* No bus, no org.freedesktop.secrets, a daemon that went away. */
      g_debug ("Secret Service unavailable: %s", error->message);
      mapped = g_error_new_literal (AF_ERROR, AF_ERROR_NO_KEYRING,
                                    _ ("No keyring is available — install gnome-keyring or KeePassXC with Secret Service enabled"));
    }

  g_error_free (error);
  return mapped;
}

static void
af_vault_class_init (AfVaultClass *klass)
{
}

static void
af_vault_init (AfVault *self)
{
}

AfVault *
af_vault_new (void)
{
  return g_object_new (AF_TYPE_VAULT, NULL);
}

static void
on_stored_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, map_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * af_vault_store_async:
 * @agent: (nullable): the agent id, or %NULL for a shared connection
 * @label: what the keyring shows, e.g. "AgentFlow: Gmail (alice@example.com)"
 *
 * Stores @tokens as JSON, replacing the item with the same attributes.
 */
void
af_vault_store_async (AfVault            *self,
                      const char         *service,
                      const char         *account,
                      const char         *agent,
                      const char         *label,
                      const AfTokenSet   *tokens,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *json = NULL;

  g_return_if_fail (AF_IS_VAULT (self));
  g_return_if_fail (service != NULL && account != NULL && label != NULL && tokens != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_vault_store_async);

  json = af_token_set_to_json (tokens);
  secret_password_store (&schema, SECRET_COLLECTION_DEFAULT, label, json, cancellable,
                         on_stored_cb, g_steal_pointer (&task),
                         "service", service, "account", account, "agent", agent ? agent : "",
                         NULL);
  explicit_bzero (json, strlen (json));
}

gboolean
af_vault_store_finish (AfVault      *self,
                       GAsyncResult *result,
                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError     *error = NULL;
  char       *secret;
  AfTokenSet *tokens;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (error));
      return;
    }
  if (secret == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  tokens = af_token_set_new_from_json (secret, &error);
  secret_password_free (secret);
  if (tokens == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tokens, (GDestroyNotify)af_token_set_free);
}

void
af_vault_lookup_async (AfVault            *self,
                       const char         *service,
                       const char         *account,
                       const char         *agent,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (AF_IS_VAULT (self));
  g_return_if_fail (service != NULL && account != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_vault_lookup_async);
  secret_password_lookup (&schema, cancellable, on_looked_up_cb, task,
                          "service", service, "account", account, "agent", agent ? agent : "",
                          NULL);
}

/**
 * af_vault_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the tokens; %NULL without an error
 *   when there is no item
 */
AfTokenSet *
af_vault_lookup_finish (AfVault      *self,
                        GAsyncResult *result,
                        GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_cleared_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to clear. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, map_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
af_vault_clear_async (AfVault            *self,
                      const char         *service,
                      const char         *account,
                      const char         *agent,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (AF_IS_VAULT (self));
  g_return_if_fail (service != NULL && account != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_vault_clear_async);
  secret_password_clear (&schema, cancellable, on_cleared_cb, task,
                         "service", service, "account", account, "agent", agent ? agent : "",
                         NULL);
}

gboolean
af_vault_clear_finish (AfVault      *self,
                       GAsyncResult *result,
                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

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
 * D-Bus call, so a rotated refresh token is never half-written.
 *
 * A locked keyring (or an unlock prompt the person dismissed) does not
 * make libsecret fail a lookup or a clear: they find nothing and succeed.
 * So when a lookup finds nothing or a clear is done, the vault looks for
 * locked items and a locked default collection, and reports
 * AF_ERROR_KEYRING_LOCKED rather than "no sign-in" or "cleared". */

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
map_error (GError *error);

static const char *
locked_message (void)
{
  return _ ("The keyring is locked — unlock it to let AgentFlow use your accounts");
}

static GHashTable *
build_attributes (const char *service,
                  const char *account,
                  const char *agent)
{
  GHashTable *attrs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (attrs, g_strdup ("xdg:schema"), g_strdup (schema.name));
  if (service != NULL)
    g_hash_table_insert (attrs, g_strdup ("service"), g_strdup (service));
  if (account != NULL)
    g_hash_table_insert (attrs, g_strdup ("account"), g_strdup (account));
  if (agent != NULL)
    g_hash_table_insert (attrs, g_strdup ("agent"), g_strdup (agent));

  return attrs;
}

/* Locked-keyring detection: search (without unlocking) for the items the
 * call was about; any locked one, or a locked default collection, means
 * the answer the caller got says nothing. The task's result is decided by
 * the caller's "unlocked" value, kept in task data. */

typedef struct
{
  GHashTable    *attributes;
  gpointer       result; /* what to return when nothing is locked */
  GDestroyNotify result_free;
  gboolean       is_boolean;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_hash_table_unref (data->attributes);
  if (data->result != NULL && data->result_free != NULL)
    data->result_free (data->result);
  g_free (data);
}

static void
check_return_unlocked (GTask *task)
{
  CheckData *data = g_task_get_task_data (task);

  if (data->is_boolean)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, g_steal_pointer (&data->result), data->result_free);
}

static void
on_check_collection_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (GError) error = NULL;

  collection = secret_collection_for_alias_finish (result, &error);
  if (collection != NULL && secret_collection_get_locked (collection))
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_KEYRING_LOCKED, "%s", locked_message ());
      return;
    }

  check_return_unlocked (task);
}

static void
on_check_search_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask         *task = user_data;
  SecretService *service = SECRET_SERVICE (object);
  g_autoptr (GError) error = NULL;
  GList   *items;
  gboolean locked = FALSE;

  items = secret_service_search_finish (service, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (g_steal_pointer (&error)));
      g_object_unref (task);
      return;
    }
  for (GList *l = items; l != NULL; l = l->next)
    locked |= secret_item_get_locked (l->data);
  g_list_free_full (items, g_object_unref);

  if (locked)
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_KEYRING_LOCKED, "%s", locked_message ());
      g_object_unref (task);
      return;
    }

  secret_collection_for_alias (service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                               g_task_get_cancellable (task), on_check_collection_cb, task);
}

static void
on_check_service_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask     *task = user_data;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr (SecretService) service = NULL;
  GError *error = NULL;

  service = secret_service_get_finish (result, &error);
  if (service == NULL)
    {
      g_task_return_error (task, map_error (error));
      g_object_unref (task);
      return;
    }

  /* Attributes, not the schema: the search must not skip anything. */
  secret_service_search (service, NULL, data->attributes, SECRET_SEARCH_ALL, g_task_get_cancellable (task),
                         on_check_search_cb, task);
}

/* Takes @task and @attributes; @result (owned) is what it returns when
 * nothing is locked. */
static void
check_locked (GTask         *task,
              GHashTable    *attributes,
              gboolean       is_boolean,
              gpointer       result,
              GDestroyNotify result_free)
{
  CheckData *data = g_new0 (CheckData, 1);

  data->attributes = attributes;
  data->is_boolean = is_boolean;
  data->result = result;
  data->result_free = result_free;
  g_task_set_task_data (task, data, (GDestroyNotify)check_data_free);
  secret_service_get (SECRET_SERVICE_NONE, g_task_get_cancellable (task), on_check_service_cb, task);
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
                                  locked_message ());
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
  g_return_val_if_fail (g_async_result_is_tagged (result, af_vault_store_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask      *task = user_data;
  GHashTable *attributes = g_task_get_task_data (task);
  GError     *error = NULL;
  char       *secret;
  AfTokenSet *tokens;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (error));
      g_object_unref (task);
      return;
    }
  if (secret == NULL)
    {
      /* Nothing, or nothing we may see: tell the two apart. */
      check_locked (task, g_hash_table_ref (attributes), FALSE, NULL, NULL);
      return;
    }

  tokens = af_token_set_new_from_json (secret, &error);
  secret_password_free (secret);
  if (tokens == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tokens, (GDestroyNotify)af_token_set_free);
  g_object_unref (task);
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
  g_task_set_task_data (task, build_attributes (service, account, agent ? agent : ""), (GDestroyNotify)g_hash_table_unref);
  secret_password_lookup (&schema, cancellable, on_looked_up_cb, task,
                          "service", service, "account", account, "agent", agent ? agent : "",
                          NULL);
}

/**
 * af_vault_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the tokens; %NULL without an error
 *   when there is no item; %AF_ERROR_KEYRING_LOCKED when the keyring is
 *   locked (the item may be there), %AF_ERROR_NO_KEYRING without a
 *   Secret Service
 */
AfTokenSet *
af_vault_lookup_finish (AfVault      *self,
                        GAsyncResult *result,
                        GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_vault_lookup_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_cleared_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask      *task = user_data;
  GHashTable *attributes = g_task_get_task_data (task);
  GError     *error = NULL;

  /* FALSE without an error: there was nothing to clear, or nothing that
   * was unlocked. A locked item that stays must not read as cleared. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (error));
      g_object_unref (task);
      return;
    }

  check_locked (task, g_hash_table_ref (attributes), TRUE, NULL, NULL);
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
  g_task_set_task_data (task, build_attributes (service, account, agent ? agent : ""), (GDestroyNotify)g_hash_table_unref);
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
  g_return_val_if_fail (g_async_result_is_tagged (result, af_vault_clear_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_find_search_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  GError *error = NULL;
  GList  *items;

  items = secret_service_search_finish (SECRET_SERVICE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, map_error (error));
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr (GHashTable) attrs = secret_item_get_attributes (l->data);
      const char *service = attrs ? g_hash_table_lookup (attrs, "service") : NULL;
      const char *account = attrs ? g_hash_table_lookup (attrs, "account") : NULL;
      const char *agent = attrs ? g_hash_table_lookup (attrs, "agent") : NULL;
      char      **triple;

      if (service == NULL || account == NULL)
        continue;
      triple = g_new0 (char *, 4);
      triple[0] = g_strdup (service);
      triple[1] = g_strdup (account);
      triple[2] = g_strdup (agent ? agent : "");
      g_ptr_array_add (found, triple);
    }
  g_list_free_full (items, g_object_unref);

  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify)g_ptr_array_unref);
}

static void
on_find_service_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (SecretService) service = NULL;
  GError *error = NULL;

  service = secret_service_get_finish (result, &error);
  if (service == NULL)
    {
      g_task_return_error (task, map_error (error));
      g_object_unref (task);
      return;
    }

  secret_service_search (service, NULL, g_task_get_task_data (task), SECRET_SEARCH_ALL, g_task_get_cancellable (task),
                         on_find_search_cb, task);
}

/**
 * af_vault_find_async:
 * @agent: (nullable): only the items of this agent ("" for shared ones);
 *   %NULL for every AgentFlow item
 *
 * Lists the credentials in the keyring, locked ones included, without
 * reading a secret or asking to unlock.
 */
void
af_vault_find_async (AfVault            *self,
                     const char         *agent,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (AF_IS_VAULT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_vault_find_async);
  g_task_set_task_data (task, build_attributes (NULL, NULL, agent), (GDestroyNotify)g_hash_table_unref);
  secret_service_get (SECRET_SERVICE_NONE, cancellable, on_find_service_cb, task);
}

/**
 * af_vault_find_finish:
 *
 * Returns: (transfer container) (element-type GStrv): one
 *   { service, account, agent } triple per item, or %NULL with an error
 */
GPtrArray *
af_vault_find_finish (AfVault      *self,
                      GAsyncResult *result,
                      GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_vault_find_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

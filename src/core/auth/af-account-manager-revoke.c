/* af-account-manager-revoke.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-account-manager"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "af-source.h"
#include "af-account-manager.h"
#include "af-account-manager-private.h"
#include "af-error.h"
#include "af-json-private.h"
#include "af-oauth-http.h"
#include "af-token-exchange-source.h"

/* The account manager's way out: disconnecting, revoking at the
 * provider (RFC 7009, https://www.rfc-editor.org/rfc/rfc7009; Slack's
 * auth.revoke), retrying revocations that could not be done yet, and
 * forgetting a deleted agent's own connections. See af-account-manager.c
 * for the two-step disconnection this implements. */

/* Revocation */

typedef struct
{
  char        *service;
  char        *account;
  char        *agent;
  AfTokenSet  *tokens;
  AfProvider  *provider;
  AfRevocation outcome;
  char        *manage_url;
} RevokeData;

static void
revoke_data_free (RevokeData *data)
{
  g_free (data->service);
  g_free (data->account);
  g_free (data->agent);
  g_clear_pointer (&data->tokens, af_token_set_free);
  g_clear_object (&data->provider);
  g_free (data->manage_url);
  g_free (data);
}

static void
on_revoke_cleared_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  RevokeData       *data = g_task_get_task_data (task);
  GError           *error = NULL;

  /* The row goes only once the keyring item is gone (a locked keyring
   * keeps both, and the retry comes back). */
  if (!af_vault_clear_finish (AF_VAULT (object), result, &error) ||
      !af_connection_store_remove_for_agent (self->store, data->service, data->account, data->agent, &error))
    {
      data->outcome = AF_REVOCATION_PENDING;
      af_account_manager_schedule_retry (self);
      g_task_return_error (task, error);
      return;
    }

  if (data->agent[0] != '\0')
    g_message ("Disconnected %s account %s of agent %s", data->service, data->account, data->agent);
  else
    g_message ("Disconnected %s account %s", data->service, data->account);
  af_account_manager_emit_changed (self, data->service, data->account);
  g_task_return_boolean (task, TRUE);
}

static void
finish_revoked (GTask *task)
{
  AfAccountManager *self = g_task_get_source_object (task);
  RevokeData       *data = g_task_get_task_data (task);

  data->outcome = AF_REVOCATION_DONE;
  af_vault_clear_async (self->vault, data->service, data->account, data->agent, NULL, on_revoke_cleared_cb, task);
}

/**
 * af_account_manager_revoke_answer_done:
 * @body: (nullable): what the revocation endpoint answered
 *
 * Returns: whether the token is revoked, by this answer or before
 */
gboolean
af_account_manager_revoke_answer_done (AfProviderDialect dialect,
                                       GBytes           *body,
                                       guint             status)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *code = NULL;
  gboolean    done = FALSE;

  if (body != NULL && g_bytes_get_size (body) > 0 && json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) &&
      json_parser_get_root (parser) != NULL && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *obj = json_node_get_object (json_parser_get_root (parser));

      if (dialect == AF_PROVIDER_DIALECT_SLACK && af_json_get_boolean (obj, "ok", FALSE))
        done = TRUE;
      code = af_json_get_string (obj, "error", NULL);
    }

  if (dialect == AF_PROVIDER_DIALECT_OIDC && status == 200)
    done = TRUE;
  /* A token the provider no longer knows is as revoked as it gets. */
  if (g_strcmp0 (code, "invalid_token") == 0 || g_strcmp0 (code, "invalid_auth") == 0 ||
      g_strcmp0 (code, "token_revoked") == 0 || g_strcmp0 (code, "token_expired") == 0)
    done = TRUE;

  return done;
}

static void
on_revoke_sent_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  RevokeData       *data = g_task_get_task_data (task);
  SoupMessage      *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  status = body ? soup_message_get_status (msg) : 0;

  if (af_account_manager_revoke_answer_done (af_provider_get_dialect (data->provider), body, status))
    {
      finish_revoked (task);
      return;
    }

  g_message ("Could not revoke the %s token of %s yet (%s); will retry", data->service, data->account,
             error ? error->message : soup_status_get_phrase (status));
  af_account_manager_schedule_retry (self);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_revoke_lookup_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  RevokeData       *data = g_task_get_task_data (task);
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (AfConnection) connection = NULL;
  GError     *error = NULL;
  const char *url;

  data->tokens = af_vault_lookup_finish (AF_VAULT (object), result, &error);
  if (error != NULL)
    {
      /* A locked keyring, or none: the token is still there, so the row
       * stays "revoking" and we come back. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        af_account_manager_schedule_retry (self);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  connection = af_connection_store_get_for_agent (self->store, data->service, data->account, data->agent, NULL);
  data->provider = connection ? af_account_manager_provider_for_connection (self, connection, NULL) : af_account_manager_lookup_provider (self, data->service, NULL);
  url = data->provider ? af_provider_get_endpoint (data->provider, AF_PROVIDER_REVOKE) : NULL;

  if (data->tokens == NULL)
    {
      /* Nothing to revoke: clearing is all there is. */
      finish_revoked (task);
      return;
    }

  if (data->provider != NULL && url == NULL)
    {
      /* Nowhere to revoke it: forget it here, and say plainly that the
       * grant is still live at the provider, not that it was revoked. */
      g_message ("%s has no revocation endpoint: the %s grant of %s stays valid there",
                 af_provider_get_display_name (data->provider), data->service, data->account);
      data->outcome = AF_REVOCATION_UNSUPPORTED;
      data->manage_url = g_strdup (af_provider_get_manage_url (data->provider) ? af_provider_get_manage_url (data->provider)
                                                                               : af_provider_get_issuer (data->provider));
      af_vault_clear_async (self->vault, data->service, data->account, data->agent, NULL, on_revoke_cleared_cb, task);
      return;
    }

  if (data->provider == NULL)
    {
      af_account_manager_schedule_retry (self);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  msg = af_oauth_http_new_revocation (data->provider, data->tokens);
  if (msg == NULL)
    {
      finish_revoked (task);
      return;
    }

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, NULL, on_revoke_sent_cb, task);
}

static void
revoke_one_async (AfAccountManager   *self,
                  const char         *service,
                  const char         *account,
                  const char         *agent,
                  GAsyncReadyCallback callback,
                  gpointer            user_data)
{
  GTask      *task = g_task_new (self, NULL, callback, user_data);
  RevokeData *data = g_new0 (RevokeData, 1);

  g_task_set_source_tag (task, revoke_one_async);
  data->outcome = AF_REVOCATION_PENDING;
  data->service = g_strdup (service);
  data->account = g_strdup (account);
  data->agent = g_strdup (agent ? agent : "");
  g_task_set_task_data (task, data, (GDestroyNotify)revoke_data_free);
  af_vault_lookup_async (self->vault, service, account, data->agent, NULL, on_revoke_lookup_cb, task);
}

static gboolean
revoke_one_finish (AfAccountManager *self,
                   GAsyncResult     *result,
                   AfRevocation     *outcome,
                   GError          **error)
{
  RevokeData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, revoke_one_async), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (outcome != NULL)
    *outcome = data->outcome;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_auth0_secret_cleared_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  /* The sign-in is revoked either way; a secret left behind is only
   * worth a line in the log. */
  if (!af_vault_clear_finish (AF_VAULT (object), result, &error))
    g_warning ("Could not remove the Auth0 client secret from the keyring: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

/* The application's secret goes with the last Auth0 sign-in using it.
 * Returns whether it took @task (to finish it once the keyring is done). */
static gboolean
clear_auth0_secret (AfAccountManager *self,
                    const char       *client_id,
                    GTask            *task)
{
  g_autoptr (GPtrArray) list = af_connection_store_list (self->store, NULL, NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    if (g_str_equal (((AfConnection *)list->pdata[i])->service, AF_AUTH0_SERVICE))
      return FALSE;
  if (client_id == NULL)
    return FALSE;
  g_hash_table_remove (self->auth0_secrets, client_id);
  af_vault_clear_async (self->vault, AF_AUTH0_CLIENT_SERVICE, client_id, "", NULL, on_auth0_secret_cleared_cb, task);
  return TRUE;
}

static void
on_disconnect_revoked_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError      *error = NULL;
  AfRevocation outcome = AF_REVOCATION_PENDING;

  if (!revoke_one_finish (AF_ACCOUNT_MANAGER (object), result, &outcome, &error))
    g_task_return_error (task, error);
  else
    {
      RevokeData *data = g_task_get_task_data (G_TASK (result));

      /* Only a confirmed revocation is "revoked". */
      g_object_set_data (G_OBJECT (task), "revoked", GINT_TO_POINTER (outcome == AF_REVOCATION_DONE));
      g_object_set_data (G_OBJECT (task), "outcome", GINT_TO_POINTER (outcome));
      g_object_set_data_full (G_OBJECT (task), "manage-url", g_strdup (data->manage_url), g_free);
      if (outcome == AF_REVOCATION_DONE && g_str_equal (data->service, AF_AUTH0_SERVICE) &&
          clear_auth0_secret (AF_ACCOUNT_MANAGER (object), af_provider_get_client_id (data->provider), task))
        {
          g_steal_pointer (&task);
          return;
        }
      g_task_return_boolean (task, TRUE);
    }
}

/**
 * af_account_manager_disconnect_async:
 *
 * Stops using the shared connection at once (status "revoking"), revokes
 * its token at the provider, then removes the keyring item and the row.
 * When the provider (or the keyring) cannot be reached the row stays
 * "revoking" and the revocation is retried later.
 */
static void
disconnect_start (GTask      *task,
                  const char *service,
                  const char *account)
{
  AfAccountManager *self = g_task_get_source_object (task);
  GError           *error = NULL;

  if (!af_connection_store_set_status (self->store, service, account, AF_CONNECTION_REVOKING, NULL, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  af_account_manager_forget_credential (self, service, account, NULL);
  af_account_manager_emit_changed (self, service, account);
  /* Every account linked through this Auth0 sign-in stops at once. */
  if (g_str_equal (service, AF_AUTH0_SERVICE))
    af_account_manager_auth0_signed_out (self, account);

  revoke_one_async (self, service, account, NULL, on_disconnect_revoked_cb, task);
}

static void
on_disconnect_secret_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GTask *task = user_data;

  /* Without the secret the revocation is refused and retried later. */
  g_task_propagate_boolean (G_TASK (result), NULL);
  disconnect_start (task, g_object_get_data (G_OBJECT (task), "af-service"), g_object_get_data (G_OBJECT (task), "af-account"));
}

static void
on_disconnect_unlinked_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GTask  *task = user_data;
  GError *error = NULL;

  /* Still linked at Auth0: the row stays, the person can try again. */
  if (!af_account_manager_unlink_auth0_finish (AF_ACCOUNT_MANAGER (object), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  disconnect_start (task, g_object_get_data (G_OBJECT (task), "af-service"), g_object_get_data (G_OBJECT (task), "af-account"));
}

void
af_account_manager_disconnect_async (AfAccountManager   *self,
                                     const char         *service,
                                     const char         *account,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (AfConnection) connection = NULL;
  g_autofree char *linked = NULL;
  GError          *error = NULL;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (service != NULL && account != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_account_manager_disconnect_async);

  connection = af_connection_store_get (self->store, service, account, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error ? error : g_error_new (AF_ERROR, AF_ERROR_NOT_FOUND, _ ("No %s account “%s” is connected."), service, account));
      return;
    }

  g_object_set_data_full (G_OBJECT (task), "af-service", g_strdup (service), g_free);
  g_object_set_data_full (G_OBJECT (task), "af-account", g_strdup (account), g_free);
  /* An Auth0 sign-in is revoked with the application's secret. */
  if (g_str_equal (service, AF_AUTH0_SERVICE))
    {
      af_account_manager_load_auth0_secret_async (self, connection, on_disconnect_secret_cb, g_steal_pointer (&task));
      return;
    }
  /* A connected account is deleted at Auth0 unless another row uses it
   * (Gmail and Calendar share the Google one). */
  if (af_account_manager_is_brokered (connection) &&
      (linked = af_account_manager_dup_connected_account_id (self, connection)) != NULL)
    {
      af_account_manager_unlink_auth0_async (self, linked, NULL, on_disconnect_unlinked_cb, g_steal_pointer (&task));
      return;
    }
  disconnect_start (g_steal_pointer (&task), service, account);
}

/**
 * af_account_manager_disconnect_finish:
 * @revoked: (out) (optional): %TRUE when the provider confirmed and the
 *   keyring item is gone; %FALSE when the revocation will be retried
 *
 * Returns: %TRUE when the account is no longer used
 */
gboolean
af_account_manager_disconnect_finish (AfAccountManager *self,
                                      GAsyncResult     *result,
                                      gboolean         *revoked,
                                      GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_account_manager_disconnect_async), FALSE);

  if (revoked != NULL)
    *revoked = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (result), "revoked"));
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * af_account_manager_disconnect_finish_full:
 * @revocation: (out) (optional): what became of AgentFlow's access at
 *   the provider
 * @manage_url: (out) (optional) (transfer full) (nullable): with
 *   %AF_REVOCATION_UNSUPPORTED, the provider's page where the person can
 *   remove AgentFlow's access themselves, when known
 *
 * Like af_account_manager_disconnect_finish(), saying honestly whether
 * the access was revoked.
 */
gboolean
af_account_manager_disconnect_finish_full (AfAccountManager *self,
                                           GAsyncResult     *result,
                                           AfRevocation     *revocation,
                                           char            **manage_url,
                                           GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_account_manager_disconnect_async), FALSE);

  if (revocation != NULL)
    *revocation = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (result), "outcome"));
  if (manage_url != NULL)
    *manage_url = g_strdup (g_object_get_data (G_OBJECT (result), "manage-url"));
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Revoking a list of connections one after the other: the retry and
 * forgetting an agent. A failure is counted and left for the retry. */

typedef struct
{
  GPtrArray *pending; /* AfConnection */
  guint      index;
  guint      left;
  char      *agent;
} RetryData;

static void
retry_data_free (RetryData *data)
{
  g_clear_pointer (&data->pending, g_ptr_array_unref);
  g_free (data->agent);
  g_free (data);
}

static void revoke_next (GTask *task);

static void
on_next_revoked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask        *task = user_data;
  RetryData    *data = g_task_get_task_data (task);
  AfConnection *c = data->pending->pdata[data->index - 1];
  g_autoptr (GError) error = NULL;
  AfRevocation outcome = AF_REVOCATION_PENDING;

  if (!revoke_one_finish (AF_ACCOUNT_MANAGER (object), result, &outcome, &error))
    g_message ("Could not finish revoking the %s token of %s: %s", c->service, c->account, error->message);
  /* Nothing left to do for one the provider cannot revoke. */
  if (error != NULL || outcome == AF_REVOCATION_PENDING)
    data->left++;
  revoke_next (task);
}

static void
revoke_next (GTask *task)
{
  AfAccountManager *self = g_task_get_source_object (task);
  RetryData        *data = g_task_get_task_data (task);
  AfConnection     *c;

  if (data->index >= data->pending->len)
    {
      if (g_task_get_source_tag (task) == af_account_manager_forget_agent_async)
        {
          g_object_set_data (G_OBJECT (task), "left", GUINT_TO_POINTER (data->left));
          g_task_return_boolean (task, TRUE);
        }
      else
        {
          if (data->left == 0)
            self->retry_delay = 0;
          g_task_return_int (task, data->left);
        }
      g_object_unref (task);
      return;
    }

  c = data->pending->pdata[data->index++];
  revoke_one_async (self, c->service, c->account, c->agent, on_next_revoked_cb, task);
}

/**
 * af_account_manager_retry_revocations_async:
 *
 * Tries again to revoke every connection left "revoking", shared and
 * agent-specific. The app calls it at startup; the manager also calls it
 * with backoff after a failure.
 */
void
af_account_manager_retry_revocations_async (AfAccountManager   *self,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data)
{
  GTask     *task;
  RetryData *data;
  GError    *error = NULL;
  GPtrArray *pending;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_account_manager_retry_revocations_async);

  pending = af_connection_store_list_for_agent (self->store, NULL, AF_CONNECTION_REVOKING, &error);
  if (pending == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  data = g_new0 (RetryData, 1);
  data->pending = pending;
  g_task_set_task_data (task, data, (GDestroyNotify)retry_data_free);
  revoke_next (task);
}

/**
 * af_account_manager_retry_revocations_finish:
 *
 * Returns: how many revocations are still pending (and retried later),
 *   or -1 (as guint) … check @error
 */
guint
af_account_manager_retry_revocations_finish (AfAccountManager *self,
                                             GAsyncResult     *result,
                                             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_account_manager_retry_revocations_async), 0);
  return (guint)g_task_propagate_int (G_TASK (result), error);
}

/* Forgetting an agent */

static gboolean
has_connection (GPtrArray  *list,
                const char *service,
                const char *account)
{
  for (guint i = 0; i < list->len; i++)
    {
      AfConnection *c = list->pdata[i];

      if (g_str_equal (c->service, service) && g_str_equal (c->account, account))
        return TRUE;
    }
  return FALSE;
}

static void
on_forget_found_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask            *task = user_data;
  AfAccountManager *self = g_task_get_source_object (task);
  RetryData        *data = g_task_get_task_data (task);
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;

  /* Items in the keyring without a row (a crash between the two writes)
   * are the agent's too: give them a "revoking" row so that the retry
   * owns them like the others. */
  found = af_vault_find_finish (AF_VAULT (object), result, &error);
  if (found == NULL)
    g_message ("Could not look for other keyring items of agent %s: %s", data->agent, error->message);

  for (guint i = 0; found != NULL && i < found->len; i++)
    {
      char **triple = found->pdata[i];
      g_autoptr (GError) local_error = NULL;
      AfConnection *c;

      if (!g_str_equal (triple[2], data->agent) || has_connection (data->pending, triple[0], triple[1]))
        continue;
      if (!af_connection_store_save_for_agent (self->store, triple[0], triple[1], data->agent, triple[1], "", NULL, &local_error) ||
          !af_connection_store_set_status_for_agent (self->store, triple[0], triple[1], data->agent,
                                                     AF_CONNECTION_REVOKING, NULL, &local_error) ||
          (c = af_connection_store_get_for_agent (self->store, triple[0], triple[1], data->agent, &local_error)) == NULL)
        {
          g_warning ("Could not record the %s credential of agent %s for revocation: %s", triple[0], data->agent,
                     local_error ? local_error->message : "vanished");
          continue;
        }
      g_ptr_array_add (data->pending, c);
    }

  revoke_next (task);
}

/**
 * af_account_manager_forget_agent_async:
 * @agent_id: the deleted agent
 *
 * Ends every credential that belongs to @agent_id alone: each connection
 * row turns "revoking" at once (its token source stops handing out
 * tokens), each token is revoked at its provider (RFC 7009, Slack's
 * auth.revoke), then its keyring item and row are removed. A revocation
 * that fails (offline, 5xx, a locked keyring) keeps its row "revoking"
 * and goes to the retry (af_account_manager_retry_revocations_async()),
 * so no token stays in the keyring unaccounted for. Shared connections
 * are not touched.
 */
void
af_account_manager_forget_agent_async (AfAccountManager   *self,
                                       const char         *agent_id,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data)
{
  GTask     *task;
  RetryData *data;
  GError    *error = NULL;
  GPtrArray *rows;

  g_return_if_fail (AF_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (agent_id != NULL && agent_id[0] != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_account_manager_forget_agent_async);

  rows = af_connection_store_list_for_agent (self->store, agent_id, NULL, &error);
  if (rows == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* First nobody uses them any more; the network comes after. */
  for (guint i = 0; i < rows->len; i++)
    {
      AfConnection *c = rows->pdata[i];

      if (!af_connection_store_set_status_for_agent (self->store, c->service, c->account, agent_id,
                                                     AF_CONNECTION_REVOKING, NULL, &error))
        {
          g_ptr_array_unref (rows);
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      af_account_manager_forget_credential (self, c->service, c->account, agent_id);
      af_account_manager_emit_changed (self, c->service, c->account);
    }

  data = g_new0 (RetryData, 1);
  data->pending = rows;
  data->agent = g_strdup (agent_id);
  g_task_set_task_data (task, data, (GDestroyNotify)retry_data_free);
  af_vault_find_async (self->vault, agent_id, NULL, on_forget_found_cb, task);
}

/**
 * af_account_manager_forget_agent_finish:
 *
 * Returns: %TRUE when none of the agent's credentials is used any more
 *   (revoked and removed, or waiting for the retry), %FALSE with an
 *   error when the database could not be changed
 */
gboolean
af_account_manager_forget_agent_finish (AfAccountManager *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_account_manager_forget_agent_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_retry_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  af_account_manager_retry_revocations_finish (AF_ACCOUNT_MANAGER (object), result, &error);
  if (error != NULL)
    g_message ("Retrying revocations failed: %s", error->message);
}

static gboolean
on_retry_timeout_cb (gpointer user_data)
{
  AfAccountManager *self = user_data;

  self->retry_id = 0;
  af_account_manager_retry_revocations_async (self, NULL, on_retry_done_cb, NULL);

  return G_SOURCE_REMOVE;
}

void
af_account_manager_schedule_retry (AfAccountManager *self)
{
  if (self->retry_id != 0)
    return;

  self->retry_delay = self->retry_delay ? MIN (self->retry_delay * 2, RETRY_MAX_SECONDS) : RETRY_MIN_SECONDS;
  self->retry_id = af_timeout_add_seconds_named (self->retry_delay, "[agentflow] revoke retry", on_retry_timeout_cb, self);
}

/* af-services-executor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-services-executor"

#include "config.h"

#include "af-error.h"
#include "af-services-executor.h"

/* Reads go through the clients' incremental sync, new mail read in
 * batches; writes map one action to one client call, or many label-type
 * actions to one batchModify. Label names are resolved (and created) once. */
struct _AfServicesExecutor
{
  GObject parent_instance;

  AfGmailClient    *gmail;
  AfCalendarClient *calendar;
  AfSlackClient    *slack;
  AfDatabase       *db;
  GHashTable       *history;   /* agent id → its committed Gmail historyId */
  GHashTable       *pending;   /* agent id → Pending: its last fetch, not committed yet */
  GHashTable       *label_ids; /* name → id, NULL until listed */
};

static void af_services_executor_iface_init (AfExecutorInterface *iface);

/* The Slack metadata event_type stamped on every post. */
#define ACTION_EVENT_TYPE "agentflow_action"

G_DEFINE_FINAL_TYPE_WITH_CODE (AfServicesExecutor, af_services_executor, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (AF_TYPE_EXECUTOR, af_services_executor_iface_init))

typedef struct
{
  AfAgent    *agent;
  char       *source;
  GPtrArray  *ids;
  guint       next;
  GPtrArray  *items;
  char       *action;
  JsonObject *params;
  JsonObject *item;
  gboolean    batch; /* execute_batch: @ids are the messages */
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->agent);
  g_free (op->source);
  g_clear_pointer (&op->ids, g_ptr_array_unref);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  g_free (op->action);
  g_clear_pointer (&op->params, json_object_unref);
  g_clear_pointer (&op->item, json_object_unref);
  g_free (op);
}

static gboolean
need (GTask      *task,
      gpointer    client,
      const char *service)
{
  if (client != NULL)
    return TRUE;
  g_task_return_new_error (task, AF_ERROR, AF_ERROR_NOT_CONFIGURED, "No %s connection", service);
  g_object_unref (task);
  return FALSE;
}

static JsonObject *
item_from_message (AfGmailMessage *m)
{
  JsonObject *item = json_object_new ();
  JsonArray  *labels = json_array_new ();

  json_object_set_string_member (item, "id", m->id);
  json_object_set_string_member (item, "thread_id", m->thread_id);
  json_object_set_string_member (item, "from", m->from ? m->from : "");
  json_object_set_string_member (item, "to", m->to ? m->to : "");
  json_object_set_string_member (item, "subject", m->subject ? m->subject : "");
  json_object_set_string_member (item, "body", m->body_text ? m->body_text : (m->snippet ? m->snippet : ""));
  json_object_set_string_member (item, "message_id", m->message_id ? m->message_id : "");
  json_object_set_string_member (item, "references", m->references ? m->references : "");
  json_object_set_int_member (item, "date", m->internal_date / 1000);
  json_object_set_boolean_member (item, "has_attachment", FALSE);
  for (guint i = 0; m->label_ids && m->label_ids[i]; i++)
    json_array_add_string_element (labels, m->label_ids[i]);
  json_object_set_array_member (item, "labels", labels);
  /* Someone else wrote it: data, never instructions. */
  json_object_set_boolean_member (item, "untrusted", TRUE);
  return item;
}

static char *
today_id (const char *prefix)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");

  return g_strconcat (prefix, day, NULL);
}

/* Sync cursors: one Gmail historyId per agent, in sync_cursors (service,
 * account, kind, scope = the agent id) when there is a database. */

typedef struct
{
  gconstpointer items; /* identifies the fetch: the array it returned */
  char         *history_id;
} Pending;

static void
pending_free (Pending *p)
{
  g_free (p->history_id);
  g_free (p);
}

static const char *
cursor_account (AfAgent *agent)
{
  const char *account = af_agent_get_account (agent, "gmail");

  return account ? account : "";
}

static const char *
committed_history (AfServicesExecutor *self,
                   AfAgent            *agent)
{
  const char   *agent_id = af_agent_get_id (agent);
  sqlite3_stmt *stmt;
  char         *value = NULL;

  if (g_hash_table_contains (self->history, agent_id))
    return g_hash_table_lookup (self->history, agent_id);
  if (self->db == NULL)
    return NULL;
  stmt = af_database_prepare (self->db,
                              "SELECT value FROM sync_cursors WHERE service = 'gmail' AND account = ?1"
                              " AND kind = 'historyId' AND scope = ?2",
                              NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, cursor_account (agent), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, agent_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  g_hash_table_insert (self->history, g_strdup (agent_id), value);
  return value;
}

static void
services_commit_fetch (AfExecutor *executor,
                       AfAgent    *agent,
                       GPtrArray  *items)
{
  AfServicesExecutor *self = AF_SERVICES_EXECUTOR (executor);
  const char         *agent_id = af_agent_get_id (agent);
  Pending            *pending = g_hash_table_lookup (self->pending, agent_id);
  g_autofree char    *history_id = NULL;
  g_autoptr (GError) error = NULL;
  sqlite3_stmt *stmt;

  /* Only the run's own fetch: after a later one (a test run) the
   * cursor stays, and the next sync reads again what it must. */
  if (pending == NULL || pending->items != items)
    return;
  history_id = g_steal_pointer (&pending->history_id);
  g_hash_table_remove (self->pending, agent_id);
  g_hash_table_insert (self->history, g_strdup (agent_id), g_strdup (history_id));
  if (self->db == NULL)
    return;
  stmt = af_database_prepare (self->db,
                              "INSERT INTO sync_cursors (service, account, kind, scope, value, updated_at)"
                              " VALUES ('gmail', ?1, 'historyId', ?2, ?3, ?4)"
                              " ON CONFLICT (service, account, kind, scope) DO UPDATE SET value = ?3, updated_at = ?4",
                              &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, cursor_account (agent), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, agent_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, history_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
      af_database_step_done (self->db, stmt, &error);
    }
  /* Not fatal: the next sync starts from the older cursor and the engine
   * skips what it has seen. */
  if (error != NULL)
    g_warning ("Could not store the Gmail sync cursor: %s", error->message);
}

/* Fetch: mail. */

/* Whether the agent looks at mail bodies (a rule on "body", "{{body}}"
 * in an action, or the AI model reading the message): only then is each
 * message read in full, else its headers are enough. */
static gboolean
node_mentions_body (JsonNode *node)
{
  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (o);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, "field", NULL), "body") == 0)
        return TRUE;
      for (GList *l = members; l; l = l->next)
        if (node_mentions_body (json_object_get_member (o, l->data)))
          return TRUE;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        if (node_mentions_body (json_array_get_element (a, i)))
          return TRUE;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return strstr (json_node_get_string (node), "{{body}}") != NULL;
  return FALSE;
}

static gboolean
needs_body (AfAgent *agent)
{
  JsonObject *ai = af_agent_get_ai (agent);
  JsonObject *definition = af_agent_get_definition (agent);

  if (ai != NULL && json_object_get_boolean_member_with_default (ai, "enabled", FALSE))
    return TRUE;
  return definition != NULL && json_object_has_member (definition, "rules") &&
         node_mentions_body (json_object_get_member (definition, "rules"));
}

static void
on_get_messages_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Op    *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) messages = af_gmail_client_get_messages_finish (AF_GMAIL_CLIENT (source), result, &error);
  g_autoptr (GHashTable) by_id = NULL;

  if (messages == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  /* In the order the sync listed them; the ones deleted since are left out. */
  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < messages->len; i++)
    {
      AfGmailMessage *m = g_ptr_array_index (messages, i);

      g_hash_table_insert (by_id, m->id, m);
    }
  for (guint i = 0; i < op->ids->len; i++)
    {
      AfGmailMessage *m = g_hash_table_lookup (by_id, g_ptr_array_index (op->ids, i));

      /* The account's own outgoing mail shows up in the history too: an
       * agent must not act on what it (or another agent) sent, or a rule
       * that answers mail answers its own answers, forever. */
      if (m != NULL && (m->label_ids == NULL || !g_strv_contains ((const char *const *)m->label_ids, "SENT") ||
                        g_strv_contains ((const char *const *)m->label_ids, "INBOX")))
        g_ptr_array_add (op->items, item_from_message (m));
    }
  g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify)g_ptr_array_unref);
  g_object_unref (task);
}

static void
fetch_messages (GTask *task)
{
  AfServicesExecutor *self = g_task_get_source_object (task);
  Op                 *op = g_task_get_task_data (task);
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();

  if (op->ids->len == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify)g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  /* Through the batch endpoint: one request per 50 messages, not one each. */
  for (guint i = 0; i < op->ids->len; i++)
    g_ptr_array_add (ids, g_ptr_array_index (op->ids, i));
  g_ptr_array_add (ids, NULL);
  af_gmail_client_get_messages_async (self->gmail, (const char *const *)ids->pdata, needs_body (op->agent),
                                      g_task_get_cancellable (task), on_get_messages_cb, task);
}

static void
on_sync_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask              *task = user_data;
  AfServicesExecutor *self = g_task_get_source_object (task);
  Op                 *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) sync = af_gmail_client_sync_finish (AF_GMAIL_CLIENT (source), result, &error);

  if (sync == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (sync->full_resync)
    g_debug ("Gmail listed afresh for %s (no cursor, or it expired)", af_agent_get_id (op->agent));
  /* Moves on only once the run dealt with these messages (commit_fetch),
   * so a crash or a dry run never skips mail. */
  {
    Pending *pending = g_new0 (Pending, 1);

    pending->items = op->items;
    pending->history_id = g_strdup (sync->history_id);
    g_hash_table_insert (self->pending, g_strdup (af_agent_get_id (op->agent)), pending);
  }
  op->ids = g_ptr_array_ref (sync->message_ids);
  fetch_messages (task);
}

/* Fetch: digest (inbox subjects). */

static void
on_digest_metadata_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  Op    *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) messages = af_gmail_client_get_metadata_finish (AF_GMAIL_CLIENT (source), result, &error);
  g_autofree char *id = today_id ("digest-");
  JsonObject      *item;
  GString         *digest;

  if (messages == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  digest = g_string_new (NULL);
  g_string_append_printf (digest, "Inbox digest: %u messages: ", messages->len);
  for (guint i = 0; i < messages->len; i++)
    {
      AfGmailMessage *m = g_ptr_array_index (messages, i);

      g_string_append_printf (digest, "%s“%s”", i ? ", " : "", m->subject ? m->subject : "");
    }
  item = json_object_new ();
  json_object_set_string_member (item, "id", id);
  json_object_set_string_member (item, "digest", digest->str);
  g_string_free (digest, TRUE);
  g_ptr_array_add (op->items, item);
  g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify)g_ptr_array_unref);
  g_object_unref (task);
}

static void
on_digest_list_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = af_gmail_client_list_messages_finish (AF_GMAIL_CLIENT (source), result, NULL, &error);

  if (ids == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  g_ptr_array_add (ids, NULL);
  af_gmail_client_get_metadata_async (AF_GMAIL_CLIENT (source), (const char *const *)ids->pdata,
                                      g_task_get_cancellable (task), on_digest_metadata_cb, task);
}

/* Fetch: today's agenda. */

static char *
hhmm (GDateTime *dt)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr (GDateTime) local = dt ? g_date_time_to_timezone (dt, tz) : NULL;

  return local ? g_date_time_format (local, "%H:%M") : g_strdup ("all day");
}

static void
on_agenda_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Op    *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = af_calendar_client_list_events_finish (AF_CALENDAR_CLIENT (source), result, &error);
  g_autofree char *id = today_id ("agenda-");
  GString         *agenda, *conflicts;
  JsonObject      *item;

  if (events == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  agenda = g_string_new (NULL);
  conflicts = g_string_new (NULL);
  for (guint i = 0; i < events->len; i++)
    {
      AfCalendarEvent *e = g_ptr_array_index (events, i);
      g_autofree char *start = hhmm (e->start);

      g_string_append_printf (agenda, "%s%s %s", i ? "; " : "", start, e->summary ? e->summary : "");
      for (guint j = i + 1; j < events->len && !e->all_day; j++)
        {
          AfCalendarEvent *f = g_ptr_array_index (events, j);

          if (!f->all_day && e->start && e->end && f->start && f->end && g_date_time_compare (f->start, e->end) < 0 && g_date_time_compare (e->start, f->end) < 0)
            g_string_append_printf (conflicts, "%s%s and %s", conflicts->len ? "; " : "", e->summary, f->summary);
        }
    }
  item = json_object_new ();
  json_object_set_string_member (item, "id", id);
  json_object_set_string_member (item, "agenda", agenda->len ? agenda->str : "no events");
  json_object_set_boolean_member (item, "has_conflicts", conflicts->len > 0);
  json_object_set_string_member (item, "conflicts", conflicts->str);
  json_object_set_boolean_member (item, "untrusted", TRUE);
  if (events->len > 0)
    json_object_set_string_member (item, "event_title",
                                   ((AfCalendarEvent *)g_ptr_array_index (events, 0))->summary);
  g_string_free (agenda, TRUE);
  g_string_free (conflicts, TRUE);
  g_ptr_array_add (op->items, item);
  g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify)g_ptr_array_unref);
  g_object_unref (task);
}

static void
services_fetch_async (AfExecutor         *executor,
                      AfAgent            *agent,
                      const char         *source,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  AfServicesExecutor *self = AF_SERVICES_EXECUTOR (executor);
  GTask              *task = g_task_new (self, cancellable, callback, user_data);
  Op                 *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, services_fetch_async);
  op->agent = g_object_ref (agent);
  op->source = g_strdup (source);
  op->items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);

  if (g_strcmp0 (source, "agenda") == 0)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();
      g_autoptr (GDateTime) start = NULL;
      g_autoptr (GDateTime) end = NULL;

      if (!need (task, self->calendar, "Calendar"))
        return;
      start = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                     g_date_time_get_day_of_month (now), 0, 0, 0);
      end = g_date_time_add_days (start, 1);
      af_calendar_client_list_events_async (self->calendar, "primary", start, end, cancellable, on_agenda_cb, task);
    }
  else if (g_strcmp0 (source, "digest") == 0)
    {
      if (!need (task, self->gmail, "Gmail"))
        return;
      af_gmail_client_list_messages_async (self->gmail, "in:inbox", NULL, 20, cancellable, on_digest_list_cb, task);
    }
  else
    {
      if (!need (task, self->gmail, "Gmail"))
        return;
      /* Incremental from the agent's last historyId; the first time (or
       * when it expired: 404) a bounded listing. */
      af_gmail_client_sync_async (self->gmail, committed_history (self, agent), 50, cancellable, on_sync_cb, task);
    }
}

static GPtrArray *
services_fetch_finish (AfExecutor   *executor,
                       GAsyncResult *result,
                       GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Execute. */

/* Ends an action: its error, or {"id": …} naming what it made or changed
 * (serialised by json-glib, so any id stays valid JSON). Drops the task. */
static void
complete (GTask      *task,
          const char *id,
          GError     *error)
{
  if (error != NULL)
    {
      g_task_return_error (task, error);
    }
  else
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, id ? id : "");
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      g_task_return_pointer (task, json_to_string (root, FALSE), g_free);
    }
  g_object_unref (task);
}

static void
return_result (GTask      *task,
               const char *id)
{
  complete (task, id, NULL);
}

static void
on_modify_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Op    *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!af_gmail_client_modify_finish (AF_GMAIL_CLIENT (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (op->batch)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  return_result (task, json_object_get_string_member_with_default (op->item, "id", ""));
}

/* The system label that unarchive, unstar and mark_unread change:
 * https://developers.google.com/gmail/api/guides/labels#manage_labels_on_messages_threads */
static const char *
undo_system_label (const char *action)
{
  if (g_str_equal (action, "unarchive"))
    return "INBOX";
  if (g_str_equal (action, "unstar"))
    return "STARRED";
  if (g_str_equal (action, "mark_unread"))
    return "UNREAD";
  return NULL;
}

static void
apply_label (GTask *task)
{
  AfServicesExecutor *self = g_task_get_source_object (task);
  Op                 *op = g_task_get_task_data (task);
  const char         *name = json_object_get_string_member_with_default (op->params, "label", "AgentFlow");
  const char         *label_id = g_hash_table_lookup (self->label_ids, name);
  const char         *one[] = { json_object_get_string_member_with_default (op->item, "id", ""), NULL };
  const char *const  *ids = op->batch ? (const char *const *)op->ids->pdata : one;
  const char         *change[] = { label_id, NULL };
  gboolean            remove = g_str_equal (op->action, "unlabel");

  af_gmail_client_modify_async (self->gmail, ids, remove ? NULL : change, remove ? change : NULL,
                                g_task_get_cancellable (task), on_modify_cb, task);
}

static void
on_create_label_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask              *task = user_data;
  AfServicesExecutor *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailLabel) label = af_gmail_client_create_label_finish (AF_GMAIL_CLIENT (source), result, &error);

  if (label == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  g_hash_table_insert (self->label_ids, g_strdup (label->name), g_strdup (label->id));
  apply_label (task);
}

static void
ensure_label (GTask *task)
{
  AfServicesExecutor *self = g_task_get_source_object (task);
  Op                 *op = g_task_get_task_data (task);
  const char         *name = json_object_get_string_member_with_default (op->params, "label", "AgentFlow");

  if (g_hash_table_contains (self->label_ids, name))
    apply_label (task);
  else
    af_gmail_client_create_label_async (self->gmail, name, g_task_get_cancellable (task), on_create_label_cb, task);
}

static void
on_list_labels_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask              *task = user_data;
  AfServicesExecutor *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) labels = af_gmail_client_list_labels_finish (AF_GMAIL_CLIENT (source), result, &error);

  if (labels == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (self->label_ids == NULL)
    {
      self->label_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint i = 0; i < labels->len; i++)
        {
          AfGmailLabel *l = g_ptr_array_index (labels, i);

          g_hash_table_insert (self->label_ids, g_strdup (l->name), g_strdup (l->id));
        }
    }
  ensure_label (task);
}

static void
on_draft_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = af_gmail_client_create_draft_finish (AF_GMAIL_CLIENT (source), result, &error);

  complete (task, id ? id : NULL, g_steal_pointer (&error));
}

static void
on_send_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailMessage) sent = af_gmail_client_send_finish (AF_GMAIL_CLIENT (source), result, &error);

  complete (task, sent ? sent->id : NULL, g_steal_pointer (&error));
}

static void
on_post_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *ts = af_slack_client_post_message_finish (AF_SLACK_CLIENT (source), result, &error);

  complete (task, ts ? ts : NULL, g_steal_pointer (&error));
}

static void
on_insert_event_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfCalendarEvent) event =
      af_calendar_client_insert_event_finish (AF_CALENDAR_CLIENT (source), result, &error);

  complete (task, event ? event->id : NULL, g_steal_pointer (&error));
}

static void
services_execute_async (AfExecutor         *executor,
                        AfAgent            *agent,
                        const char         *action,
                        JsonObject         *params,
                        JsonObject         *item,
                        const char         *key,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  AfServicesExecutor *self = AF_SERVICES_EXECUTOR (executor);
  GTask              *task = g_task_new (self, cancellable, callback, user_data);
  Op                 *op = g_new0 (Op, 1);
  const char         *item_id;
  const char         *ids[2] = { NULL, NULL };

  g_task_set_source_tag (task, services_execute_async);
  op->action = g_strdup (action);
  op->params = params ? json_object_ref (params) : json_object_new ();
  op->item = item ? json_object_ref (item) : json_object_new ();
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  item_id = json_object_get_string_member_with_default (op->item, "id", "");
  ids[0] = item_id;

  if (g_str_equal (action, "post"))
    {
      g_autoptr (JsonObject) payload = json_object_new ();

      /* The key rides along as message metadata: reconcile finds it. */
      json_object_set_string_member (payload, "key", key);
      if (need (task, self->slack, "Slack"))
        af_slack_client_post_message_with_metadata_async (
            self->slack, json_object_get_string_member_with_default (op->params, "channel", "#general"),
            json_object_get_string_member_with_default (op->params, "text", ""), NULL, NULL, ACTION_EVENT_TYPE,
            payload, cancellable, on_post_cb, task);
      return;
    }
  if (g_str_equal (action, "create_event"))
    {
      g_autoptr (AfCalendarEvent) event = af_calendar_event_new ();
      g_autoptr (GTimeZone) tz = g_time_zone_new_local ();

      if (!need (task, self->calendar, "Calendar"))
        return;
      /* Our own id: a repeat is a 409, and reconcile can look it up. */
      event->id = af_calendar_event_id_for_key (key);
      event->summary = g_strdup (json_object_get_string_member_with_default (op->params, "summary", "Event"));
      event->status = g_strdup ("tentative");
      event->start = g_date_time_new_from_iso8601 (json_object_get_string_member_with_default (op->params, "start", ""), tz);
      event->end = g_date_time_new_from_iso8601 (json_object_get_string_member_with_default (op->params, "end", ""), tz);
      if (event->start == NULL || event->end == NULL)
        {
          g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, "An event needs a start and an end");
          g_object_unref (task);
          return;
        }
      af_calendar_client_insert_event_async (self->calendar, "primary", event, cancellable, on_insert_event_cb, task);
      return;
    }

  if (!need (task, self->gmail, "Gmail"))
    return;

  if (g_str_equal (action, "label") || g_str_equal (action, "unlabel"))
    {
      if (self->label_ids == NULL)
        af_gmail_client_list_labels_async (self->gmail, cancellable, on_list_labels_cb, task);
      else
        ensure_label (task);
    }
  else if (g_str_equal (action, "archive"))
    af_gmail_client_archive_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (g_str_equal (action, "star"))
    af_gmail_client_star_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (g_str_equal (action, "mark_read"))
    af_gmail_client_mark_read_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (undo_system_label (action) != NULL)
    {
      /* The undo of archive, star and mark read: the system label back
       * (INBOX, UNREAD) or off again (STARRED). */
      const char *change[] = { undo_system_label (action), NULL };
      gboolean    add = !g_str_equal (action, "unstar");

      af_gmail_client_modify_async (self->gmail, ids, add ? change : NULL, add ? NULL : change, cancellable,
                                    on_modify_cb, task);
    }
  else if (g_str_equal (action, "draft") || g_str_equal (action, "send"))
    {
      const char      *subject = json_object_get_string_member_with_default (op->item, "subject", "");
      g_autofree char *re = g_str_has_prefix (subject, "Re:") ? g_strdup (subject) : g_strconcat ("Re: ", subject, NULL);
      gboolean         reply = g_str_equal (action, "draft") || !json_object_has_member (op->params, "to");
      g_autofree char *message_id = af_gmail_message_id_for_key (key);
      AfGmailOutgoing  out = { 0 };

      /* Found again after a crash by rfc822msgid:. */
      out.message_id = message_id;
      out.to = json_object_get_string_member_with_default (op->params, "to",
                                                           json_object_get_string_member_with_default (op->item, "from", ""));
      out.subject = json_object_get_string_member_with_default (op->params, "subject", re);
      out.body_text = json_object_get_string_member_with_default (op->params, "body", "");
      if (reply)
        {
          out.thread_id = json_object_get_string_member_with_default (op->item, "thread_id", NULL);
          out.in_reply_to = json_object_get_string_member_with_default (op->item, "message_id", NULL);
          out.references = out.in_reply_to;
        }
      if (g_str_equal (action, "draft"))
        af_gmail_client_create_draft_async (self->gmail, &out, cancellable, on_draft_cb, task);
      else
        af_gmail_client_send_async (self->gmail, &out, cancellable, on_send_cb, task);
    }
  else
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, "Unknown action “%s”", action);
      g_object_unref (task);
    }
}

/* Label-type actions on many messages: one batchModify per 1000. */
static void
services_execute_batch_async (AfExecutor         *executor,
                              AfAgent            *agent,
                              const char         *action,
                              JsonObject         *params,
                              GPtrArray          *items,
                              GPtrArray          *keys,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  AfServicesExecutor *self = AF_SERVICES_EXECUTOR (executor);
  GTask              *task = g_task_new (self, cancellable, callback, user_data);
  Op                 *op = g_new0 (Op, 1);
  const char *const  *ids;

  g_task_set_source_tag (task, services_execute_batch_async);
  op->batch = TRUE;
  op->action = g_strdup (action);
  op->params = params ? json_object_ref (params) : json_object_new ();
  op->item = json_object_new ();
  op->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (op->ids, g_strdup (json_object_get_string_member_with_default (g_ptr_array_index (items, i), "id", "")));
  g_ptr_array_add (op->ids, NULL);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  ids = (const char *const *)op->ids->pdata;

  if (!need (task, self->gmail, "Gmail"))
    return;
  if (g_str_equal (action, "label") || g_str_equal (action, "unlabel"))
    {
      if (self->label_ids == NULL)
        af_gmail_client_list_labels_async (self->gmail, cancellable, on_list_labels_cb, task);
      else
        ensure_label (task);
    }
  else if (g_str_equal (action, "archive"))
    af_gmail_client_archive_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (g_str_equal (action, "star"))
    af_gmail_client_star_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (g_str_equal (action, "mark_read"))
    af_gmail_client_mark_read_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (undo_system_label (action) != NULL)
    {
      /* The undo of archive, star and mark read: the system label back
       * (INBOX, UNREAD) or off again (STARRED). */
      const char *change[] = { undo_system_label (action), NULL };
      gboolean    add = !g_str_equal (action, "unstar");

      af_gmail_client_modify_async (self->gmail, ids, add ? change : NULL, add ? NULL : change, cancellable,
                                    on_modify_cb, task);
    }
  else
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, "“%s” cannot be batched", action);
      g_object_unref (task);
    }
}

static gboolean
services_execute_batch_finish (AfExecutor   *executor,
                               GAsyncResult *result,
                               GError      **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static char *
services_execute_finish (AfExecutor   *executor,
                         GAsyncResult *result,
                         GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Reconcile: each side effect carries its key (a Message-ID, an event
 * id, Slack metadata), so after a crash it is looked up, not repeated. */

/* How far back a Slack post is looked for. */
#define RECONCILE_SLACK_WINDOW_DAYS 7

static void
on_found_id_cb (GTask  *task,
                char   *id,
                GError *error)
{
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, id != NULL);
  g_free (id);
  g_object_unref (task);
}

static void
on_find_mail_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError *error = NULL;
  char   *id = af_gmail_client_find_by_message_id_finish (AF_GMAIL_CLIENT (source), result, &error);

  on_found_id_cb (user_data, id, error);
}

static void
on_find_post_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError *error = NULL;
  char   *ts = af_slack_client_find_by_metadata_finish (AF_SLACK_CLIENT (source), result, &error);

  on_found_id_cb (user_data, ts, error);
}

static void
on_get_event_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfCalendarEvent) event = af_calendar_client_get_event_finish (AF_CALENDAR_CLIENT (source), result, &error);

  /* Found even if deleted since ("cancelled"): it was created. */
  if (event != NULL)
    g_task_return_boolean (task, TRUE);
  else if (g_error_matches (error, AF_ERROR, AF_ERROR_NOT_FOUND))
    g_task_return_boolean (task, FALSE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
  g_object_unref (task);
}

static void
services_reconcile_async (AfExecutor         *executor,
                          AfAgent            *agent,
                          const char         *action,
                          JsonObject         *params,
                          JsonObject         *item,
                          const char         *key,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  AfServicesExecutor *self = AF_SERVICES_EXECUTOR (executor);
  GTask              *task = g_task_new (executor, cancellable, callback, user_data);

  g_task_set_source_tag (task, services_reconcile_async);

  /* Label changes are idempotent: "not done" lets the engine repeat them
   * safely. */
  if (af_executor_is_batchable (action))
    {
      g_task_return_boolean (task, FALSE);
      g_object_unref (task);
    }
  else if (g_str_equal (action, "send") || g_str_equal (action, "draft"))
    {
      g_autofree char *message_id = af_gmail_message_id_for_key (key);

      if (need (task, self->gmail, "Gmail"))
        af_gmail_client_find_by_message_id_async (self->gmail, message_id, g_str_equal (action, "draft"), cancellable,
                                                  on_find_mail_cb, task);
    }
  else if (g_str_equal (action, "create_event"))
    {
      g_autofree char *event_id = af_calendar_event_id_for_key (key);

      if (need (task, self->calendar, "Calendar"))
        af_calendar_client_get_event_async (self->calendar, "primary", event_id, cancellable, on_get_event_cb, task);
    }
  else if (g_str_equal (action, "post"))
    {
      const char *channel = params ? json_object_get_string_member_with_default (params, "channel", "#general")
                                   : "#general";
      gint64      oldest = g_get_real_time () / G_USEC_PER_SEC - RECONCILE_SLACK_WINDOW_DAYS * 24 * 3600;

      if (need (task, self->slack, "Slack"))
        af_slack_client_find_by_metadata_async (self->slack, channel, ACTION_EVENT_TYPE, "key", key, oldest,
                                                cancellable, on_find_post_cb, task);
    }
  else
    {
      /* Nothing to look it up by: counts as done, at most once. */
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static gboolean
services_reconcile_finish (AfExecutor   *executor,
                           GAsyncResult *result,
                           GError      **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
af_services_executor_iface_init (AfExecutorInterface *iface)
{
  iface->fetch_async = services_fetch_async;
  iface->fetch_finish = services_fetch_finish;
  iface->execute_async = services_execute_async;
  iface->execute_finish = services_execute_finish;
  iface->reconcile_async = services_reconcile_async;
  iface->reconcile_finish = services_reconcile_finish;
  iface->commit_fetch = services_commit_fetch;
  iface->execute_batch_async = services_execute_batch_async;
  iface->execute_batch_finish = services_execute_batch_finish;
}

static void
af_services_executor_dispose (GObject *object)
{
  AfServicesExecutor *self = (AfServicesExecutor *)object;

  g_clear_object (&self->gmail);
  g_clear_object (&self->calendar);
  g_clear_object (&self->slack);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (af_services_executor_parent_class)->dispose (object);
}

static void
af_services_executor_finalize (GObject *object)
{
  AfServicesExecutor *self = (AfServicesExecutor *)object;

  g_clear_pointer (&self->history, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->label_ids, g_hash_table_unref);

  G_OBJECT_CLASS (af_services_executor_parent_class)->finalize (object);
}

static void
af_services_executor_class_init (AfServicesExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_services_executor_dispose;
  object_class->finalize = af_services_executor_finalize;
}

static void
af_services_executor_init (AfServicesExecutor *self)
{
  self->history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)pending_free);
}

AfServicesExecutor *
af_services_executor_new (AfGmailClient    *gmail,
                          AfCalendarClient *calendar,
                          AfSlackClient    *slack)
{
  AfServicesExecutor *self = g_object_new (AF_TYPE_SERVICES_EXECUTOR, NULL);

  self->gmail = gmail ? g_object_ref (gmail) : NULL;
  self->calendar = calendar ? g_object_ref (calendar) : NULL;
  self->slack = slack ? g_object_ref (slack) : NULL;
  return self;
}

/**
 * af_services_executor_set_database:
 * @db: (nullable): where each agent's Gmail sync cursor is kept, so a
 *   restart syncs incrementally
 */
void
af_services_executor_set_database (AfServicesExecutor *self,
                                   AfDatabase         *db)
{
  g_return_if_fail (AF_IS_SERVICES_EXECUTOR (self));
  g_return_if_fail (db == NULL || AF_IS_DATABASE (db));

  g_set_object (&self->db, db);
  g_hash_table_remove_all (self->history);
}

/* af-services-executor-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-services-executor"

#include "config.h"

#include "af-error.h"
#include "af-services-executor-private.h"
#include "af-time.h"

/* Execute. */

/* Ends an action: its error, or {"id": …} naming what it made or changed
 * (serialised by json-glib, so any id stays valid JSON). Drops the task. */
/* The answer of a done action: what it made (its id) and, when there is
 * one, where a person sees it (@link_key: "html_link", "permalink"). */
static void
complete_with_link (GTask      *task,
                    const char *id,
                    const char *link_key,
                    const char *link,
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
      if (link_key != NULL && link != NULL && g_str_has_prefix (link, "https://"))
        {
          json_builder_set_member_name (builder, link_key);
          json_builder_add_string_value (builder, link);
        }
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      g_task_return_pointer (task, json_to_string (root, FALSE), g_free);
    }
  g_object_unref (task);
}

static void
complete (GTask      *task,
          const char *id,
          GError     *error)
{
  complete_with_link (task, id, NULL, NULL, error);
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
  GTask        *task = user_data;
  AfServicesOp *op = g_task_get_task_data (task);
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

static void
apply_label (GTask *task)
{
  AfServicesExecutor *self = g_task_get_source_object (task);
  AfServicesOp       *op = g_task_get_task_data (task);
  const char         *name = json_object_get_string_member_with_default (op->params, "label", "AgentFlow");
  const char         *label_id = g_hash_table_lookup (self->label_ids, name);
  const char         *one[] = { json_object_get_string_member_with_default (op->item, "id", ""), NULL };
  const char *const  *ids = op->batch ? (const char *const *)op->ids->pdata : one;
  const char         *change[] = { label_id, NULL };
  gboolean            remove = g_str_equal (op->action, "unlabel");

  af_gmail_client_modify_async (self->gmail, ids, remove ? NULL : change, remove ? change : NULL,
                                g_task_get_cancellable (task), on_modify_cb, task);
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

/* The undo of archive, star and mark read: the system label back (INBOX,
 * UNREAD) or off again (STARRED). */
static void
undo_modify (AfServicesExecutor *self,
             const char         *action,
             const char *const  *ids,
             GCancellable       *cancellable,
             GTask              *task)
{
  const char *change[] = { undo_system_label (action), NULL };
  gboolean    add = !g_str_equal (action, "unstar");

  af_gmail_client_modify_async (self->gmail, ids, add ? change : NULL, add ? NULL : change, cancellable, on_modify_cb,
                                task);
}

/* Single flight: the first task to need a listing (key "") or a label
 * (key: its name) starts the request, the others wait on it. Returns
 * whether @task is the first. */
static gboolean
wait_for (AfServicesExecutor *self,
          const char         *key,
          GTask              *task)
{
  GPtrArray *waiters = g_hash_table_lookup (self->label_waiters, key);
  gboolean   first = waiters == NULL;

  if (first)
    {
      waiters = g_ptr_array_new ();
      g_hash_table_insert (self->label_waiters, g_strdup (key), waiters);
    }
  g_ptr_array_add (waiters, task);
  return first;
}

/* Hands the waiters on @key to @next, or fails them all with @error. */
static void
wake (AfServicesExecutor *self,
      const char         *key,
      void (*next) (GTask *task),
      const GError *error)
{
  g_autoptr (GPtrArray) waiters = NULL;
  gpointer stolen_key = NULL, stolen = NULL;

  if (!g_hash_table_steal_extended (self->label_waiters, key, &stolen_key, &stolen))
    return;
  g_free (stolen_key);
  waiters = stolen;
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        {
          g_task_return_error (task, g_error_copy (error));
          g_object_unref (task);
        }
      else
        next (task);
    }
}

typedef struct
{
  AfServicesExecutor *self;
  char               *key;
} LabelCall;

static LabelCall *
label_call_new (AfServicesExecutor *self,
                const char         *key)
{
  LabelCall *call = g_new0 (LabelCall, 1);

  call->self = g_object_ref (self);
  call->key = g_strdup (key);
  return call;
}

static void
label_call_free (LabelCall *call)
{
  g_object_unref (call->self);
  g_free (call->key);
  g_free (call);
}

static void
on_create_label_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  LabelCall *call = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailLabel) label = af_gmail_client_create_label_finish (AF_GMAIL_CLIENT (source), result, &error);

  if (label != NULL)
    g_hash_table_insert (call->self->label_ids, g_strdup (label->name), g_strdup (label->id));
  wake (call->self, call->key, apply_label, error);
  label_call_free (call);
}

static void
ensure_label (GTask *task)
{
  AfServicesExecutor *self = g_task_get_source_object (task);
  AfServicesOp       *op = g_task_get_task_data (task);
  const char         *name = json_object_get_string_member_with_default (op->params, "label", "AgentFlow");

  if (g_hash_table_contains (self->label_ids, name))
    apply_label (task);
  else if (*name == '\0')
    {
      g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, "A label needs a name");
      g_object_unref (task);
    }
  else if (wait_for (self, name, task))
    af_gmail_client_create_label_async (self->gmail, name, NULL, on_create_label_cb, label_call_new (self, name));
}

static void
on_list_labels_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LabelCall          *call = user_data;
  AfServicesExecutor *self = call->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) labels = af_gmail_client_list_labels_finish (AF_GMAIL_CLIENT (source), result, &error);

  if (labels != NULL && self->label_ids == NULL)
    {
      self->label_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint i = 0; i < labels->len; i++)
        {
          AfGmailLabel *l = g_ptr_array_index (labels, i);

          g_hash_table_insert (self->label_ids, g_strdup (l->name), g_strdup (l->id));
        }
    }
  wake (self, "", ensure_label, error);
  label_call_free (call);
}

/* Label ids are listed once, then kept: however many label batches run
 * at once, one labels.list. */
static void
with_labels (GTask *task)
{
  AfServicesExecutor *self = g_task_get_source_object (task);

  if (self->label_ids != NULL)
    ensure_label (task);
  else if (wait_for (self, "", task))
    af_gmail_client_list_labels_async (self->gmail, NULL, on_list_labels_cb, label_call_new (self, ""));
}

static void
on_draft_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask        *task = user_data;
  AfServicesOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *id = af_gmail_client_create_draft_finish_full (AF_GMAIL_CLIENT (source), result, &message_id, &error);

  af_services_executor_remember_own (g_task_get_source_object (task), op->agent, message_id);
  complete (task, id ? id : NULL, g_steal_pointer (&error));
}

static void
on_send_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask        *task = user_data;
  AfServicesOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailMessage) sent = af_gmail_client_send_finish (AF_GMAIL_CLIENT (source), result, &error);

  if (sent != NULL)
    af_services_executor_remember_own (g_task_get_source_object (task), op->agent, sent->id);
  complete (task, sent ? sent->id : NULL, g_steal_pointer (&error));
}

static void
on_permalink_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *permalink = af_slack_client_get_permalink_finish (AF_SLACK_CLIENT (source), result, &error);

  if (permalink == NULL)
    g_debug ("A posted message has no link: %s", error->message);
  complete_with_link (task, g_object_get_data (G_OBJECT (task), "af-slack-ts"), "permalink", permalink, NULL);
}

static void
on_post_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *channel_id = NULL;
  char            *ts = af_slack_client_post_message_finish_full (AF_SLACK_CLIENT (source), result, &channel_id, &error);

  if (ts == NULL || channel_id == NULL || *channel_id == '\0')
    {
      complete (task, ts, g_steal_pointer (&error));
      g_free (ts);
      return;
    }
  /* The message is posted: its link is a courtesy, asked for after. */
  g_object_set_data_full (G_OBJECT (task), "af-slack-ts", ts, g_free);
  af_slack_client_get_permalink_async (AF_SLACK_CLIENT (source), channel_id, ts, NULL, on_permalink_cb, task);
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

  complete_with_link (task, event ? event->id : NULL, "html_link", event ? event->html_link : NULL,
                      g_steal_pointer (&error));
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
  AfServicesOp       *op = g_new0 (AfServicesOp, 1);
  const char         *item_id;
  const char         *ids[2] = { NULL, NULL };

  g_task_set_source_tag (task, services_execute_async);
  op->agent = agent ? g_object_ref (agent) : NULL;
  op->action = g_strdup (action);
  op->params = params ? json_object_ref (params) : json_object_new ();
  op->item = item ? json_object_ref (item) : json_object_new ();
  g_task_set_task_data (task, op, (GDestroyNotify)af_services_op_free);
  item_id = json_object_get_string_member_with_default (op->item, "id", "");
  ids[0] = item_id;

  if (g_str_equal (action, "post"))
    {
      g_autoptr (JsonObject) payload = json_object_new ();

      /* The key rides along as message metadata: reconcile finds it. */
      json_object_set_string_member (payload, "key", key);
      if (af_services_executor_need (task, self->slack, "Slack"))
        af_slack_client_post_message_with_metadata_async (
            self->slack, json_object_get_string_member_with_default (op->params, "channel", "#general"),
            json_object_get_string_member_with_default (op->params, "text", ""), NULL, NULL, ACTION_EVENT_TYPE,
            payload, cancellable, on_post_cb, task);
      return;
    }
  if (g_str_equal (action, "create_event"))
    {
      g_autoptr (AfCalendarEvent) event = af_calendar_event_new ();
      g_autoptr (GTimeZone) tz = af_time_zone_local ();

      if (!af_services_executor_need (task, self->calendar, "Calendar"))
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

  if (!af_services_executor_need (task, self->gmail, "Gmail"))
    return;

  if (g_str_equal (action, "label") || g_str_equal (action, "unlabel"))
    {
      with_labels (task);
    }
  else if (g_str_equal (action, "archive"))
    af_gmail_client_archive_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (g_str_equal (action, "star"))
    af_gmail_client_star_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (g_str_equal (action, "mark_read"))
    af_gmail_client_mark_read_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (undo_system_label (action) != NULL)
    undo_modify (self, action, ids, cancellable, task);
  else if (g_str_equal (action, "draft") || g_str_equal (action, "send"))
    {
      const char      *subject = json_object_get_string_member_with_default (op->item, "subject", "");
      g_autofree char *re = g_str_has_prefix (subject, "Re:") ? g_strdup (subject) : g_strconcat ("Re: ", subject, NULL);
      gboolean         reply = g_str_equal (action, "draft") || !json_object_has_member (op->params, "to");
      g_autofree char *message_id = af_gmail_message_id_for_key (key);
      AfGmailOutgoing  out = { 0 };

      /* Never an answer to the account's own mail: that is how a draft
       * answering a draft answering a draft begins. */
      if (reply && agent != NULL && af_services_executor_from_account (agent, json_object_get_string_member_with_default (op->item, "from", "")))
        {
          g_task_return_new_error (task, AF_ERROR, AF_ERROR_INVALID_ARGUMENT, "Not replying to the account’s own mail");
          g_object_unref (task);
          return;
        }

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
  AfServicesOp       *op = g_new0 (AfServicesOp, 1);
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
  g_task_set_task_data (task, op, (GDestroyNotify)af_services_op_free);
  ids = (const char *const *)op->ids->pdata;

  if (!af_services_executor_need (task, self->gmail, "Gmail"))
    return;
  if (g_str_equal (action, "label") || g_str_equal (action, "unlabel"))
    {
      with_labels (task);
    }
  else if (g_str_equal (action, "archive"))
    af_gmail_client_archive_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (g_str_equal (action, "star"))
    af_gmail_client_star_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (g_str_equal (action, "mark_read"))
    af_gmail_client_mark_read_async (self->gmail, ids, cancellable, on_modify_cb, task);
  else if (undo_system_label (action) != NULL)
    undo_modify (self, action, ids, cancellable, task);
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

      if (af_services_executor_need (task, self->gmail, "Gmail"))
        af_gmail_client_find_by_message_id_async (self->gmail, message_id, g_str_equal (action, "draft"), cancellable,
                                                  on_find_mail_cb, task);
    }
  else if (g_str_equal (action, "create_event"))
    {
      g_autofree char *event_id = af_calendar_event_id_for_key (key);

      if (af_services_executor_need (task, self->calendar, "Calendar"))
        af_calendar_client_get_event_async (self->calendar, "primary", event_id, cancellable, on_get_event_cb, task);
    }
  else if (g_str_equal (action, "post"))
    {
      const char *channel = params ? json_object_get_string_member_with_default (params, "channel", "#general")
                                   : "#general";
      gint64      oldest = g_get_real_time () / G_USEC_PER_SEC - RECONCILE_SLACK_WINDOW_DAYS * 24 * 3600;

      if (af_services_executor_need (task, self->slack, "Slack"))
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

void
af_services_executor_actions_iface_init (AfExecutorInterface *iface)
{
  iface->execute_async = services_execute_async;
  iface->execute_finish = services_execute_finish;
  iface->reconcile_async = services_reconcile_async;
  iface->reconcile_finish = services_reconcile_finish;
  iface->execute_batch_async = services_execute_batch_async;
  iface->execute_batch_finish = services_execute_batch_finish;
}

/* af-sample-executor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-sample-executor"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "af-error.h"
#include "af-sample-executor.h"
#include "af-time.h"

struct _AfSampleExecutor
{
  GObject parent_instance;

  GPtrArray  *messages; /* JsonObject */
  GPtrArray  *events;   /* JsonObject: title, start, end ("HH:MM") */
  GPtrArray  *posts;    /* utf8 */
  GHashTable *done;     /* idempotency key → action */
  GHashTable *counts;   /* action → count */
  char       *journal_path;
  guint       delay_ms;
  gboolean    fail_fetch;
};

static void af_sample_executor_iface_init (AfExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfSampleExecutor, af_sample_executor, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (AF_TYPE_EXECUTOR, af_sample_executor_iface_init))

typedef struct
{
  char       *action;
  char       *key;
  JsonObject *params;
  char       *item_id;
} Pending;

static void
pending_free (Pending *p)
{
  g_free (p->action);
  g_free (p->key);
  g_clear_pointer (&p->params, json_object_unref);
  g_free (p->item_id);
  g_free (p);
}

static JsonObject *
find_message (AfSampleExecutor *self,
              const char       *id)
{
  for (guint i = 0; i < self->messages->len; i++)
    {
      JsonObject *m = g_ptr_array_index (self->messages, i);

      if (g_strcmp0 (json_object_get_string_member (m, "id"), id) == 0)
        return m;
    }
  return NULL;
}

static void
set_label (JsonObject *message,
           const char *label,
           gboolean    add)
{
  JsonArray *labels = json_object_get_array_member (message, "labels");

  for (guint i = 0; i < json_array_get_length (labels); i++)
    if (g_strcmp0 (json_array_get_string_element (labels, i), label) == 0)
      {
        if (!add)
          json_array_remove_element (labels, i);
        return;
      }
  if (add)
    json_array_add_string_element (labels, label);
}

/* Applies a side effect to the in-memory workspace. */
static char *
apply (AfSampleExecutor *self,
       const char       *action,
       const char       *key,
       JsonObject       *params,
       const char       *item_id)
{
  JsonObject *message = item_id ? find_message (self, item_id) : NULL;
  guint       n;

  g_hash_table_insert (self->done, g_strdup (key), g_strdup (action));
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, action)) + 1;
  g_hash_table_insert (self->counts, g_strdup (action), GUINT_TO_POINTER (n));

  if (message != NULL && g_str_equal (action, "label"))
    set_label (message, json_object_get_string_member_with_default (params, "label", "Label"), TRUE);
  else if (message != NULL && g_str_equal (action, "archive"))
    set_label (message, "INBOX", FALSE);
  else if (message != NULL && g_str_equal (action, "star"))
    set_label (message, "STARRED", TRUE);
  else if (message != NULL && g_str_equal (action, "mark_read"))
    set_label (message, "UNREAD", FALSE);
  else if (message != NULL && g_str_equal (action, "unlabel"))
    set_label (message, json_object_get_string_member_with_default (params, "label", "Label"), FALSE);
  else if (message != NULL && g_str_equal (action, "unarchive"))
    set_label (message, "INBOX", TRUE);
  else if (message != NULL && g_str_equal (action, "unstar"))
    set_label (message, "STARRED", FALSE);
  else if (message != NULL && g_str_equal (action, "mark_unread"))
    set_label (message, "UNREAD", TRUE);
  else if (g_str_equal (action, "post"))
    g_ptr_array_add (self->posts, g_strdup (json_object_get_string_member_with_default (params, "text", "")));

  return g_strdup_printf ("{\"id\":\"%s-%u\"}", action, n);
}

static gboolean
journal_append (AfSampleExecutor *self,
                const char       *action,
                const char       *key,
                JsonObject       *params,
                const char       *item_id,
                GError          **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  int              fd;
  gboolean         ok;

  if (self->journal_path == NULL)
    return TRUE;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, action);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "item");
  json_builder_add_string_value (b, item_id);
  json_builder_set_member_name (b, "params");
  json_builder_add_value (b, json_node_init_object (json_node_alloc (), params));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  line = g_strconcat (text, "\n", NULL);

  fd = open (self->journal_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_set_error (error, AF_ERROR, AF_ERROR_FAILED, "Could not write %s: %s", self->journal_path, g_strerror (errno));
      return FALSE;
    }
  ok = write (fd, line, strlen (line)) == (ssize_t)strlen (line) && fsync (fd) == 0;
  close (fd);
  if (!ok)
    g_set_error (error, AF_ERROR, AF_ERROR_FAILED, "Could not write %s", self->journal_path);
  return ok;
}

static void
journal_replay (AfSampleExecutor *self)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (self->journal_path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject      *o;
      g_autofree char *result = NULL;

      if (*lines[i] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      o = json_node_get_object (json_parser_get_root (parser));
      result = apply (self, json_object_get_string_member (o, "action"), json_object_get_string_member (o, "key"),
                      json_object_get_object_member (o, "params"),
                      json_object_get_string_member_with_default (o, "item", NULL));
    }
}

static GPtrArray *
fetch_items (AfSampleExecutor *self,
             const char       *source)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_autoptr (GDateTime) now = af_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *agenda_id = g_strconcat ("agenda-", today, NULL);
  g_autofree char *digest_id = g_strconcat ("digest-", today, NULL);

  if (g_strcmp0 (source, "mail") == 0)
    {
      for (guint i = 0; i < self->messages->len; i++)
        {
          JsonObject *m = g_ptr_array_index (self->messages, i);
          g_autoptr (JsonNode) wrap = json_node_init_object (json_node_alloc (), m);
          g_autoptr (JsonNode) copy = af_json_deep_copy (wrap);
          JsonObject *item = json_node_get_object (copy);

          json_object_set_boolean_member (item, "untrusted", TRUE);
          g_ptr_array_add (items, json_object_ref (item));
        }
    }
  else if (g_strcmp0 (source, "agenda") == 0)
    {
      JsonObject *item = json_object_new ();
      GString    *agenda = g_string_new (NULL);
      GString    *conflicts = g_string_new (NULL);

      for (guint i = 0; i < self->events->len; i++)
        {
          JsonObject *e = g_ptr_array_index (self->events, i);
          const char *start = json_object_get_string_member (e, "start");
          const char *end = json_object_get_string_member (e, "end");

          g_string_append_printf (agenda, "%s%s–%s %s", i ? "; " : "", start, end,
                                  json_object_get_string_member (e, "title"));
          for (guint j = i + 1; j < self->events->len; j++)
            {
              JsonObject *f = g_ptr_array_index (self->events, j);

              /* "HH:MM" strings compare like times. */
              if (g_strcmp0 (json_object_get_string_member (f, "start"), end) < 0 && g_strcmp0 (start, json_object_get_string_member (f, "end")) < 0)
                g_string_append_printf (conflicts, "%s%s and %s", conflicts->len ? "; " : "",
                                        json_object_get_string_member (e, "title"),
                                        json_object_get_string_member (f, "title"));
            }
        }
      json_object_set_string_member (item, "id", agenda_id);
      json_object_set_string_member (item, "agenda", agenda->len ? agenda->str : "no events");
      json_object_set_boolean_member (item, "has_conflicts", conflicts->len > 0);
      json_object_set_string_member (item, "conflicts", conflicts->str);
      json_object_set_boolean_member (item, "untrusted", TRUE);
      if (self->events->len > 0)
        json_object_set_string_member (item, "event_title",
                                       json_object_get_string_member (g_ptr_array_index (self->events, 0), "title"));
      g_string_free (agenda, TRUE);
      g_string_free (conflicts, TRUE);
      g_ptr_array_add (items, item);
    }
  else if (g_strcmp0 (source, "digest") == 0)
    {
      JsonObject *item = json_object_new ();
      GString    *digest = g_string_new (NULL);
      guint       n = 0;

      for (guint i = 0; i < self->messages->len; i++)
        {
          JsonObject *m = g_ptr_array_index (self->messages, i);
          JsonArray  *labels = json_object_get_array_member (m, "labels");
          gboolean    inbox = FALSE;

          for (guint j = 0; j < json_array_get_length (labels); j++)
            inbox |= g_strcmp0 (json_array_get_string_element (labels, j), "INBOX") == 0;
          if (inbox)
            g_string_append_printf (digest, "%s“%s”", n++ ? ", " : "", json_object_get_string_member (m, "subject"));
        }
      {
        g_autofree char *head = g_strdup_printf ("Inbox digest: %u messages: ", n);

        g_string_prepend (digest, head);
      }
      json_object_set_string_member (item, "id", digest_id);
      json_object_set_string_member (item, "digest", digest->str);
      g_string_free (digest, TRUE);
      g_ptr_array_add (items, item);
    }

  return items;
}

static void
sample_fetch_async (AfExecutor         *executor,
                    AfAgent            *agent,
                    const char         *source,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  AfSampleExecutor *self = AF_SAMPLE_EXECUTOR (executor);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sample_fetch_async);
  if (self->fail_fetch)
    g_task_return_new_error (task, AF_ERROR, AF_ERROR_SERVICE_UNAVAILABLE, "The sample service is unavailable");
  else
    g_task_return_pointer (task, fetch_items (self, source), (GDestroyNotify)g_ptr_array_unref);
}

static GPtrArray *
sample_fetch_finish (AfExecutor   *executor,
                     GAsyncResult *result,
                     GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
on_execute_delay_cb (gpointer user_data)
{
  GTask            *task = user_data;
  AfSampleExecutor *self = g_task_get_source_object (task);
  Pending          *p = g_task_get_task_data (task);
  GError           *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;

  /* Journal first: once written, the effect "happened" remotely. */
  if (!journal_append (self, p->action, p->key, p->params, p->item_id, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, apply (self, p->action, p->key, p->params, p->item_id), g_free);

  return G_SOURCE_REMOVE;
}

static void
sample_execute_async (AfExecutor         *executor,
                      AfAgent            *agent,
                      const char         *action,
                      JsonObject         *params,
                      JsonObject         *item,
                      const char         *key,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  AfSampleExecutor *self = AF_SAMPLE_EXECUTOR (executor);
  GTask            *task = g_task_new (self, cancellable, callback, user_data);
  Pending          *p = g_new0 (Pending, 1);

  g_task_set_source_tag (task, sample_execute_async);
  p->action = g_strdup (action);
  p->key = g_strdup (key);
  p->params = params ? json_object_ref (params) : json_object_new ();
  p->item_id = item ? g_strdup (json_object_get_string_member_with_default (item, "id", NULL)) : NULL;
  g_task_set_task_data (task, p, (GDestroyNotify)pending_free);

  g_source_set_name_by_id (g_timeout_add_full (G_PRIORITY_DEFAULT, self->delay_ms, on_execute_delay_cb, task,
                                               g_object_unref),
                           "[agentflow] sample executor delay");
}

static char *
sample_execute_finish (AfExecutor   *executor,
                       GAsyncResult *result,
                       GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sample_reconcile_async (AfExecutor         *executor,
                        AfAgent            *agent,
                        const char         *action,
                        JsonObject         *params,
                        JsonObject         *item,
                        const char         *key,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  AfSampleExecutor *self = AF_SAMPLE_EXECUTOR (executor);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sample_reconcile_async);
  g_task_return_boolean (task, g_hash_table_contains (self->done, key));
}

static gboolean
sample_reconcile_finish (AfExecutor   *executor,
                         GAsyncResult *result,
                         GError      **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
af_sample_executor_iface_init (AfExecutorInterface *iface)
{
  iface->fetch_async = sample_fetch_async;
  iface->fetch_finish = sample_fetch_finish;
  iface->execute_async = sample_execute_async;
  iface->execute_finish = sample_execute_finish;
  iface->reconcile_async = sample_reconcile_async;
  iface->reconcile_finish = sample_reconcile_finish;
}

static void
af_sample_executor_finalize (GObject *object)
{
  AfSampleExecutor *self = (AfSampleExecutor *)object;

  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->posts, g_ptr_array_unref);
  g_clear_pointer (&self->done, g_hash_table_unref);
  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_clear_pointer (&self->journal_path, g_free);

  G_OBJECT_CLASS (af_sample_executor_parent_class)->finalize (object);
}

static void
af_sample_executor_class_init (AfSampleExecutorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_sample_executor_finalize;
}

static void
af_sample_executor_init (AfSampleExecutor *self)
{
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  self->posts = g_ptr_array_new_with_free_func (g_free);
  self->done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

AfSampleExecutor *
af_sample_executor_new (const char *journal_path)
{
  AfSampleExecutor *self = g_object_new (AF_TYPE_SAMPLE_EXECUTOR, NULL);

  /* The sample workspace: enough mail for every Email Assistant rule. */
  af_sample_executor_add_message (self, "m1", "Weekly News <newsletter@news.example>", "Your weekly digest",
                                  "Top stories this week. Unsubscribe at any time.");
  af_sample_executor_add_message (self, "m2", "Billing <billing@shop.example>", "Invoice 2041 for November",
                                  "Your invoice is attached.");
  af_sample_executor_add_message (self, "m3", "Dana Boss <dana@example.com>", "URGENT: server down",
                                  "The build server is down. Could you take a look?");
  af_sample_executor_add_message (self, "m4", "Sam Friend <sam@mail.example>", "Dinner on Friday?",
                                  "Would you like to come over on Friday? Please let me know.");
  af_sample_executor_add_message (self, "m5", "Lee Colleague <lee@example.com>", "Notes from the meeting",
                                  "Here are the notes.");
  af_sample_executor_add_event (self, "Stand-up", "09:00", "09:15");
  af_sample_executor_add_event (self, "Design review", "10:00", "11:00");
  af_sample_executor_add_event (self, "Dentist", "10:30", "11:30");

  if (journal_path != NULL)
    {
      self->journal_path = g_strdup (journal_path);
      journal_replay (self);
    }
  return self;
}

void
af_sample_executor_add_message (AfSampleExecutor *self,
                                const char       *id,
                                const char       *from,
                                const char       *subject,
                                const char       *body)
{
  JsonObject *m;
  JsonArray  *labels;

  g_return_if_fail (AF_IS_SAMPLE_EXECUTOR (self));

  m = json_object_new ();
  labels = json_array_new ();
  json_array_add_string_element (labels, "INBOX");
  json_array_add_string_element (labels, "UNREAD");
  json_object_set_string_member (m, "id", id);
  json_object_set_string_member (m, "from", from);
  json_object_set_string_member (m, "to", "me@example.com");
  json_object_set_string_member (m, "subject", subject);
  json_object_set_string_member (m, "body", body);
  json_object_set_boolean_member (m, "has_attachment", strstr (body, "attached") != NULL);
  json_object_set_int_member (m, "date", g_get_real_time () / G_USEC_PER_SEC);
  json_object_set_array_member (m, "labels", labels);
  g_ptr_array_add (self->messages, m);
}

void
af_sample_executor_add_event (AfSampleExecutor *self,
                              const char       *title,
                              const char       *start,
                              const char       *end)
{
  JsonObject *e;

  g_return_if_fail (AF_IS_SAMPLE_EXECUTOR (self));

  e = json_object_new ();
  json_object_set_string_member (e, "title", title);
  json_object_set_string_member (e, "start", start);
  json_object_set_string_member (e, "end", end);
  g_ptr_array_add (self->events, e);
}

guint
af_sample_executor_get_count (AfSampleExecutor *self,
                              const char       *action)
{
  g_return_val_if_fail (AF_IS_SAMPLE_EXECUTOR (self), 0);

  if (action == NULL)
    return g_hash_table_size (self->done);
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, action));
}

gboolean
af_sample_executor_has_label (AfSampleExecutor *self,
                              const char       *message_id,
                              const char       *label)
{
  JsonObject *m;
  JsonArray  *labels;

  g_return_val_if_fail (AF_IS_SAMPLE_EXECUTOR (self), FALSE);

  m = find_message (self, message_id);
  if (m == NULL)
    return FALSE;
  labels = json_object_get_array_member (m, "labels");
  for (guint i = 0; i < json_array_get_length (labels); i++)
    if (g_strcmp0 (json_array_get_string_element (labels, i), label) == 0)
      return TRUE;
  return FALSE;
}

GPtrArray *
af_sample_executor_get_posts (AfSampleExecutor *self)
{
  g_return_val_if_fail (AF_IS_SAMPLE_EXECUTOR (self), NULL);
  return self->posts;
}

void
af_sample_executor_set_delay (AfSampleExecutor *self,
                              guint             delay_ms)
{
  g_return_if_fail (AF_IS_SAMPLE_EXECUTOR (self));
  self->delay_ms = delay_ms;
}

void
af_sample_executor_set_fail_fetch (AfSampleExecutor *self,
                                   gboolean          fail)
{
  g_return_if_fail (AF_IS_SAMPLE_EXECUTOR (self));
  self->fail_fetch = fail;
}

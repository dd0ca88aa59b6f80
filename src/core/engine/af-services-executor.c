/* af-services-executor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-services-executor"

#include "config.h"

#include <string.h>

#include "af-error.h"
#include "af-json-private.h"
#include "af-run-store.h"
#include "af-services-executor-private.h"
#include "af-sync-cursor-store.h"
#include "af-time.h"

static void af_services_executor_iface_init (AfExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfServicesExecutor, af_services_executor, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (AF_TYPE_EXECUTOR, af_services_executor_iface_init))

void
af_services_op_free (AfServicesOp *op)
{
  g_clear_object (&op->agent);
  g_free (op->source);
  g_clear_pointer (&op->ids, g_ptr_array_unref);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  g_free (op->action);
  g_clear_pointer (&op->params, json_object_unref);
  g_clear_pointer (&op->item, json_object_unref);
  g_strfreev (op->skip_labels);
  g_clear_pointer (&op->wanted, g_hash_table_unref);
  g_clear_error (&op->sync_error);
  g_free (op);
}

gboolean
af_services_executor_need (GTask      *task,
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
  g_autoptr (GDateTime) now = af_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");

  return g_strconcat (prefix, day, NULL);
}

/* Sync cursors: one Gmail historyId per agent, in sync_cursors (service,
 * account, kind, scope = the agent id) when there is a database. */

typedef struct
{
  gconstpointer items; /* identifies the fetch: the array it returned */
  char         *history_id;
  gint64        newest_date; /* ms: the newest internalDate read, 0: none */
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
  const char *agent_id = af_agent_get_id (agent);
  g_autoptr (AfSyncCursorStore) cursors = NULL;
  char *value = NULL;

  if (g_hash_table_contains (self->history, agent_id))
    return g_hash_table_lookup (self->history, agent_id);
  if (self->db == NULL)
    return NULL;
  cursors = af_sync_cursor_store_new (self->db);
  af_sync_cursor_store_lookup (cursors, "gmail", cursor_account (agent), "historyId", agent_id, &value, NULL, NULL);
  g_hash_table_insert (self->history, g_strdup (agent_id), value);
  return value;
}

/* The newest internalDate (ms) of the mail the agent dealt with, kept with
 * its cursor; else when the cursor was stored; 0 if neither. */
static gint64
committed_date (AfServicesExecutor *self,
                AfAgent            *agent)
{
  g_autoptr (AfSyncCursorStore) cursors = NULL;
  g_autofree char *value = NULL;
  gint64           updated_at = 0;
  gint64          *known = g_hash_table_lookup (self->dates, af_agent_get_id (agent));

  if (known != NULL)
    return *known;
  if (self->db == NULL)
    return 0;
  cursors = af_sync_cursor_store_new (self->db);
  if (af_sync_cursor_store_lookup (cursors, "gmail", cursor_account (agent), "internalDate", af_agent_get_id (agent),
                                   &value, NULL, NULL))
    return g_ascii_strtoll (value, NULL, 10);
  if (af_sync_cursor_store_lookup (cursors, "gmail", cursor_account (agent), "historyId", af_agent_get_id (agent), NULL,
                                   &updated_at, NULL))
    return updated_at / 1000;
  return 0;
}

static void
store_cursor (AfServicesExecutor *self,
              AfAgent            *agent,
              const char         *kind,
              const char         *value,
              GError            **error)
{
  g_autoptr (AfSyncCursorStore) cursors = af_sync_cursor_store_new (self->db);

  af_sync_cursor_store_set (cursors, "gmail", cursor_account (agent), kind, af_agent_get_id (agent), value, error);
}

/* Items the agent dealt with, and mail it wrote itself ("own:<id>"), are
 * in seen_items. */
static gboolean
is_known (AfServicesExecutor *self,
          AfAgent            *agent,
          const char         *id)
{
  g_autofree char *own = g_strconcat ("own:", id, NULL);
  g_autoptr (AfRunStore) runs = NULL;

  if (self->db == NULL)
    return FALSE;
  runs = af_run_store_new (self->db);
  return af_run_store_is_either_seen (runs, af_agent_get_id (agent), id, own);
}

/* is_known() for many: the ids among @ids (strings) the agent dealt with
 * or wrote itself, in a few queries rather than one per message. */
static GHashTable *
known_among (AfServicesExecutor *self,
             AfAgent            *agent,
             GPtrArray          *ids)
{
  g_autoptr (GPtrArray) asked = g_ptr_array_new_full (ids->len * 2, g_free);
  g_autoptr (GHashTable) seen = NULL;
  g_autoptr (AfRunStore) runs = NULL;
  GHashTable *known = g_hash_table_new (g_str_hash, g_str_equal);

  if (self->db == NULL)
    return known;
  for (guint i = 0; i < ids->len; i++)
    {
      g_ptr_array_add (asked, g_strdup (g_ptr_array_index (ids, i)));
      g_ptr_array_add (asked, g_strconcat ("own:", g_ptr_array_index (ids, i), NULL));
    }
  runs = af_run_store_new (self->db);
  seen = af_run_store_seen_among (runs, af_agent_get_id (agent), (const char *const *)asked->pdata, asked->len);
  for (guint i = 0; i < ids->len; i++)
    if (g_hash_table_contains (seen, g_ptr_array_index (asked, 2 * i)) ||
        g_hash_table_contains (seen, g_ptr_array_index (asked, 2 * i + 1)))
      g_hash_table_add (known, g_ptr_array_index (ids, i));
  return known;
}

/* Remembers a message the agent wrote (a draft, a sent mail), so it never
 * takes it for new mail, whatever its labels say by then. */
void
af_services_executor_remember_own (AfServicesExecutor *self,
                                   AfAgent            *agent,
                                   const char         *message_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AfRunStore) runs = NULL;
  g_autofree char *own = NULL;

  if (self->db == NULL || agent == NULL || message_id == NULL || *message_id == '\0')
    return;
  own = g_strconcat ("own:", message_id, NULL);
  runs = af_run_store_new (self->db);
  if (!af_run_store_mark_seen (runs, af_agent_get_id (agent), own, &error))
    g_warning ("Could not remember the agent’s own message: %s", error->message);
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
  gint64 newest_date;

  af_services_executor_slack_commit (self, agent, items);
  /* Only the run's own fetch: after a later one (a test run) the
   * cursor stays, and the next sync reads again what it must. */
  if (pending == NULL || pending->items != items)
    return;
  history_id = g_steal_pointer (&pending->history_id);
  newest_date = pending->newest_date;
  g_hash_table_remove (self->pending, agent_id);
  g_hash_table_insert (self->history, g_strdup (agent_id), g_strdup (history_id));
  if (newest_date > committed_date (self, agent))
    {
      if (self->db != NULL)
        {
          g_autofree char *date = g_strdup_printf ("%" G_GINT64_FORMAT, newest_date);

          store_cursor (self, agent, "internalDate", date, &error);
        }
      g_hash_table_insert (self->dates, g_strdup (agent_id), g_memdup2 (&newest_date, sizeof newest_date));
    }
  if (self->db == NULL)
    return;
  /* With the cursor, the last point the agent processed (above): when the
   * cursor expires, mail from there on is listed again. */
  if (error == NULL)
    store_cursor (self, agent, "historyId", history_id, &error);
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
node_mentions_field (JsonNode   *node,
                     const char *field)
{
  g_autofree char *placeholder = g_strconcat ("{{", field, "}}", NULL);

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (o);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, "field", NULL), field) == 0)
        return TRUE;
      for (GList *l = members; l; l = l->next)
        if (node_mentions_field (json_object_get_member (o, l->data), field))
          return TRUE;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        if (node_mentions_field (json_array_get_element (a, i), field))
          return TRUE;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return strstr (json_node_get_string (node), placeholder) != NULL;
  return FALSE;
}

/* "first_run_days": how far back the first run looks (0: new mail from
 * then on only). */
static guint
first_run_days (AfAgent *agent)
{
  JsonObject *definition = af_agent_peek_definition (agent);

  return definition ? (guint)CLAMP (af_json_get_int (definition, "first_run_days", 0), 0, 365) : 0;
}

/* Whether a string in @node contains @text. */
static gboolean
node_mentions_text (JsonNode   *node,
                    const char *text)
{
  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (o);

      for (GList *l = members; l; l = l->next)
        if (node_mentions_text (json_object_get_member (o, l->data), text))
          return TRUE;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        if (node_mentions_text (json_array_get_element (a, i), text))
          return TRUE;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return strstr (json_node_get_string (node), text) != NULL;
  return FALSE;
}

static gboolean
needs_body (AfAgent *agent)
{
  JsonObject *ai = af_agent_get_ai (agent);
  JsonObject *definition = af_agent_peek_definition (agent);

  if (ai != NULL && json_object_get_boolean_member_with_default (ai, "enabled", FALSE))
    return TRUE;
  return definition != NULL && json_object_has_member (definition, "rules") &&
         node_mentions_field (json_object_get_member (definition, "rules"), "body");
}

/* Labels an agent leaves alone unless one of its rules asks for them:
 * its own drafts and sent mail, chats, spam and trash. */
static GStrv
skip_labels_for (AfAgent *agent)
{
  static const char *const all[] = { "DRAFT", "SENT", "CHAT", "SPAM", "TRASH", NULL };
  JsonObject              *definition = af_agent_peek_definition (agent);
  JsonNode                *rules = definition ? json_object_get_member (definition, "rules") : NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; all[i] != NULL; i++)
    {
      /* Mail the account wrote itself is never new mail to act on. */
      gboolean always = i < 3;

      if (always || !node_mentions_text (rules, all[i]))
        g_strv_builder_add (builder, all[i]);
    }
  return g_strv_builder_end (builder);
}

/* The address inside "Name <addr>", or the whole text. */
static char *
address_of (const char *from)
{
  const char *lt = from ? strrchr (from, '<') : NULL;
  const char *gt = lt ? strchr (lt, '>') : NULL;

  if (lt != NULL && gt != NULL)
    return g_ascii_strdown (lt + 1, gt - lt - 1);
  if (from == NULL)
    return NULL;
  {
    g_autofree char *copy = g_strdup (from);

    return g_ascii_strdown (g_strstrip (copy), -1);
  }
}

gboolean
af_services_executor_from_account (AfAgent    *agent,
                                   const char *from)
{
  const char      *account = af_agent_get_account (agent, "gmail");
  g_autofree char *address = address_of (from);
  g_autofree char *mine = account ? g_ascii_strdown (account, -1) : NULL;

  return mine != NULL && address != NULL && g_str_equal (address, mine);
}

/* @mine: the account, in lower case (or %NULL). */
static gboolean
skipped_by (GStrv           skip_labels,
            const char     *mine,
            AfGmailMessage *m)
{
  g_autofree char *address = NULL;

  for (guint i = 0; m->label_ids != NULL && m->label_ids[i] != NULL; i++)
    if (skip_labels != NULL && g_strv_contains ((const char *const *)skip_labels, m->label_ids[i]))
      return TRUE;
  address = address_of (m->from);
  return mine != NULL && address != NULL && g_str_equal (address, mine);
}

static gboolean
skipped_message (AfAgent        *agent,
                 GStrv           skip_labels,
                 AfGmailMessage *m)
{
  const char      *account = af_agent_get_account (agent, "gmail");
  g_autofree char *mine = account ? g_ascii_strdown (account, -1) : NULL;

  return skipped_by (skip_labels, mine, m);
}

/* What a fetch told as it reads needs to leave out the account's own
 * mail, taken when it starts: the read's worker threads use it, never
 * the agent. */
typedef struct
{
  GStrv skip_labels;
  char *mine; /* the account, in lower case, or NULL */
} ReadFilter;

static void
read_filter_free (ReadFilter *filter)
{
  g_strfreev (filter->skip_labels);
  g_free (filter->mine);
  g_free (filter);
}

/* A message read, as the run takes it. */
typedef struct
{
  JsonObject *item; /* NULL: the account's own mail, left out */
  gint64      internal_date;
} ReadItem;

static void
read_item_free (ReadItem *r)
{
  g_clear_pointer (&r->item, json_object_unref);
  g_free (r);
}

/* In the reader's worker thread: building each item's JSON is most of
 * what a message costs after its parse. Touches only @m and the filter. */
static gpointer
read_item_new (AfGmailMessage *m,
               gpointer        user_data)
{
  ReadFilter *filter = user_data;
  ReadItem   *r = g_new0 (ReadItem, 1);

  r->internal_date = m->internal_date;
  /* Not the account's own mail (see on_read_cb). */
  if (!skipped_by (filter->skip_labels, filter->mine, m))
    r->item = item_from_message (m);
  return r;
}

static gboolean
needs_digest (AfAgent *agent)
{
  JsonObject *ai = af_agent_get_ai (agent);
  JsonObject *definition = af_agent_peek_definition (agent);
  JsonNode   *rules = definition ? json_object_get_member (definition, "rules") : NULL;

  if (ai != NULL && json_object_get_boolean_member_with_default (ai, "enabled", FALSE))
    return TRUE;
  return node_mentions_field (rules, "digest");
}

/* The read is done (it is closed once the sync is): the items, in the
 * order the sync listed them. */
static void
on_read_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask        *task = user_data;
  AfServicesOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) messages = af_gmail_client_read_finish (AF_GMAIL_CLIENT (source), result, &error);
  g_autoptr (GHashTable) by_id = NULL;
  AfServicesExecutor *self = g_task_get_source_object (task);
  Pending            *pending = g_hash_table_lookup (self->pending, af_agent_get_id (op->agent));

  if (op->sync_error != NULL || messages == NULL)
    {
      g_task_return_error (task, op->sync_error != NULL ? g_steal_pointer (&op->sync_error) : g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (pending != NULL)
    pending->newest_date = MAX (pending->newest_date, op->newest_date);
  /* The ones deleted since they were listed are left out (none is here
   * when they were told as they came: on_read_some_cb). */
  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < messages->len; i++)
    {
      AfGmailMessage *m = g_ptr_array_index (messages, i);

      g_hash_table_insert (by_id, m->id, m);
    }
  for (guint i = 0; i < op->ids->len; i++)
    {
      AfGmailMessage *m = g_hash_table_lookup (by_id, g_ptr_array_index (op->ids, i));

      if (m == NULL)
        continue;
      if (pending != NULL)
        pending->newest_date = MAX (pending->newest_date, m->internal_date);
      /* The account's own mail shows up in the history too (drafts, sent
       * mail): an agent must not act on what it (or another agent) wrote,
       * or a rule that answers mail answers its own answers, forever. */
      if (!skipped_message (op->agent, op->skip_labels, m))
        g_ptr_array_add (op->items, item_from_message (m));
    }
  g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify)g_ptr_array_unref);
  g_object_unref (task);
}

/* A batch of the read (ReadItem: read_item_new() made them), for a fetch
 * that tells its items as they come: they are dealt with while the next
 * are read. */
static void
on_read_some_cb (GPtrArray *read_items,
                 gpointer   user_data)
{
  GTask        *task = user_data;
  AfServicesOp *op = g_task_get_task_data (task);
  g_autoptr (GPtrArray) read = read_items;
  g_autoptr (GPtrArray) items = NULL;

  /* The listing failed: the fetch does, once the reads still out are
   * back, and nothing more is told. */
  if (op->sync_error != NULL)
    return;
  items = g_ptr_array_new_full (read->len, (GDestroyNotify)json_object_unref);
  for (guint i = 0; i < read->len; i++)
    {
      ReadItem *r = g_ptr_array_index (read, i);

      op->newest_date = MAX (op->newest_date, r->internal_date);
      if (r->item != NULL)
        g_ptr_array_add (items, g_steal_pointer (&r->item));
    }
  if (items->len > 0)
    op->each (items, op->each_data);
}

/* A page of the sync: what the agent dealt with already (listed again
 * after a resync) or wrote itself is not read again, no quota spent on
 * it; the rest is read while the next pages come. */
static void
on_listed_cb (const char *const *ids,
              guint              n_ids,
              gpointer           user_data)
{
  GTask              *task = user_data;
  AfServicesExecutor *self = g_task_get_source_object (task);
  AfServicesOp       *op = g_task_get_task_data (task);
  g_autoptr (GPtrArray) page = g_ptr_array_sized_new (n_ids);
  g_autoptr (GPtrArray) wanted = g_ptr_array_sized_new (n_ids);
  g_autoptr (GHashTable) known = NULL;

  for (guint i = 0; i < n_ids; i++)
    g_ptr_array_add (page, (gpointer)ids[i]);
  known = known_among (self, op->agent, page);
  for (guint i = 0; i < n_ids; i++)
    if (!g_hash_table_contains (known, ids[i]))
      {
        g_hash_table_add (op->wanted, g_strdup (ids[i]));
        g_ptr_array_add (wanted, (gpointer)ids[i]);
      }
  af_gmail_reader_add (op->reader, (const char *const *)wanted->pdata, wanted->len);
}

static void
on_sync_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AfServicesExecutor *self = g_task_get_source_object (task);
  AfServicesOp       *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfGmailSyncResult) sync = af_gmail_client_sync_finish (AF_GMAIL_CLIENT (source), result, &error);

  if (sync == NULL)
    {
      /* Told once the reads still out are back. */
      op->sync_error = g_steal_pointer (&error);
      af_gmail_reader_close (g_steal_pointer (&op->reader));
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
  op->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < sync->message_ids->len; i++)
    {
      const char *id = g_ptr_array_index (sync->message_ids, i);

      if (g_hash_table_contains (op->wanted, id))
        g_ptr_array_add (op->ids, g_strdup (id));
    }
  af_gmail_reader_close (g_steal_pointer (&op->reader));
}

/* Fetch: digest (inbox subjects). */

static void
on_digest_metadata_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask        *task = user_data;
  AfServicesOp *op = g_task_get_task_data (task);
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
  g_autoptr (GTimeZone) tz = af_time_zone_local ();
  g_autoptr (GDateTime) local = dt ? g_date_time_to_timezone (dt, tz) : NULL;

  return local ? g_date_time_format (local, "%H:%M") : g_strdup ("all day");
}

static void
on_agenda_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask        *task = user_data;
  AfServicesOp *op = g_task_get_task_data (task);
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
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      AfCalendarEvent *next = NULL;

      /* The rules' event is the next one to start (the day's first when
       * all have). */
      for (guint i = 0; i < events->len; i++)
        {
          AfCalendarEvent *e = g_ptr_array_index (events, i);

          if (e->start != NULL && g_date_time_compare (e->start, now) >= 0 &&
              (next == NULL || g_date_time_compare (e->start, next->start) < 0))
            next = e;
        }
      if (next == NULL)
        next = g_ptr_array_index (events, 0);
      json_object_set_string_member (item, "event_title", next->summary ? next->summary : "");
      if (next->start != NULL)
        json_object_set_int_member (item, "event_start", g_date_time_to_unix (next->start));
      if (next->organizer != NULL)
        json_object_set_string_member (item, "organizer", next->organizer);
    }
  g_string_free (agenda, TRUE);
  g_string_free (conflicts, TRUE);
  g_ptr_array_add (op->items, item);
  g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify)g_ptr_array_unref);
  g_object_unref (task);
}

/* New mail is told as each batch of it is read (when @each is set); the
 * other sources come at once, at the end. */
static void
services_fetch_each_async (AfExecutor         *executor,
                           AfAgent            *agent,
                           const char         *source,
                           AfExecutorItemsFunc each,
                           gpointer            each_data,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  AfServicesExecutor *self = AF_SERVICES_EXECUTOR (executor);
  GTask              *task = g_task_new (self, cancellable, callback, user_data);
  AfServicesOp       *op = g_new0 (AfServicesOp, 1);

  g_task_set_source_tag (task, services_fetch_each_async);
  op->each = each;
  op->each_data = each_data;
  op->agent = g_object_ref (agent);
  op->source = g_strdup (source);
  op->items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_task_set_task_data (task, op, (GDestroyNotify)af_services_op_free);

  if (g_strcmp0 (source, "agenda") == 0)
    {
      g_autoptr (GDateTime) now = af_date_time_new_now_local ();
      g_autoptr (GDateTime) start = NULL;
      g_autoptr (GDateTime) end = NULL;

      if (!af_services_executor_need (task, self->calendar, "Calendar"))
        return;
      start = af_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                      g_date_time_get_day_of_month (now), 0, 0, 0);
      end = g_date_time_add_days (start, 1);
      af_calendar_client_list_events_async (self->calendar, "primary", start, end, cancellable, on_agenda_cb, task);
    }
  else if (g_strcmp0 (source, "slack") == 0)
    af_services_executor_slack_fetch (task);
  else if (g_strcmp0 (source, "digest") == 0)
    {
      g_autofree char *id = today_id ("digest-");

      if (!af_services_executor_need (task, self->gmail, "Gmail"))
        return;
      /* Fetch only what the agent needs: today's digest, once dealt
       * with, is not read again, and rules that do not show it need no
       * inbox at all. */
      if (is_known (self, agent, id))
        {
          g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify)g_ptr_array_unref);
          g_object_unref (task);
        }
      else if (!needs_digest (agent))
        {
          JsonObject *item = json_object_new ();

          json_object_set_string_member (item, "id", id);
          json_object_set_string_member (item, "digest", "");
          g_ptr_array_add (op->items, item);
          g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify)g_ptr_array_unref);
          g_object_unref (task);
        }
      else
        af_gmail_client_list_messages_async (self->gmail, "in:inbox", NULL, 20, cancellable, on_digest_list_cb, task);
    }
  else
    {
      const char *cursor = committed_history (self, agent);
      gint64      after = -1;

      if (!af_services_executor_need (task, self->gmail, "Gmail"))
        return;
      /* Incremental from the agent's last historyId. When it expired
       * (404), everything since the last mail the agent dealt with (a
       * second earlier: after: counts whole seconds); the first time,
       * what the user chose: new mail from now on, or the last N days. */
      if (cursor != NULL)
        {
          gint64 date = committed_date (self, agent);

          after = date > 0 ? date / 1000 - 1 : g_get_real_time () / G_USEC_PER_SEC - 7 * 24 * 3600;
        }
      else if (first_run_days (agent) > 0)
        after = g_get_real_time () / G_USEC_PER_SEC - (gint64)first_run_days (agent) * 24 * 3600;
      op->skip_labels = skip_labels_for (agent);
      /* The messages are read (through the batch endpoint, 100 to a
       * request) while the sync lists them: the task is the read's, and
       * the sync's too until it is done. */
      op->wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      op->reader = af_gmail_client_read_begin (self->gmail, needs_body (agent), cancellable, on_read_cb, task);
      if (each != NULL)
        {
          const char *account = af_agent_get_account (agent, "gmail");
          ReadFilter *filter = g_new0 (ReadFilter, 1);

          filter->skip_labels = g_strdupv (op->skip_labels);
          filter->mine = account ? g_ascii_strdown (account, -1) : NULL;
          af_gmail_reader_set_each (op->reader, on_read_some_cb, task);
          af_gmail_reader_set_convert (op->reader, read_item_new, (GDestroyNotify)read_item_free, filter,
                                       (GDestroyNotify)read_filter_free);
        }
      af_gmail_client_sync_since_async (self->gmail, cursor, after, (const char *const *)op->skip_labels, on_listed_cb,
                                        task, cancellable, on_sync_cb, g_object_ref (task));
    }
}

static void
services_fetch_async (AfExecutor         *executor,
                      AfAgent            *agent,
                      const char         *source,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  services_fetch_each_async (executor, agent, source, NULL, NULL, cancellable, callback, user_data);
}

static GPtrArray *
services_fetch_finish (AfExecutor   *executor,
                       GAsyncResult *result,
                       GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
af_services_executor_iface_init (AfExecutorInterface *iface)
{
  iface->fetch_async = services_fetch_async;
  iface->fetch_each_async = services_fetch_each_async;
  iface->fetch_finish = services_fetch_finish;
  iface->commit_fetch = services_commit_fetch;
  af_services_executor_actions_iface_init (iface);
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
  g_clear_pointer (&self->dates, g_hash_table_unref);
  g_clear_pointer (&self->label_waiters, g_hash_table_unref);

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
  self->dates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->label_waiters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
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
  g_hash_table_remove_all (self->dates);
}

/* af-action.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-action"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action-private.h"
#include "af-engine-resources.h"
#include "af-json-private.h"

#define ACTIONS_PATH "/org/agentflow/App/engine/actions.json"

/* Marks a singular/plural pair for xgettext (po/meson.build names it as a
 * keyword); ngettext() picks one when the words are shown. */
#define NP_(singular, plural) \
  {                           \
    singular, plural          \
  }

/* The one definition of every action. The order is the order actions are
 * presented in: mail first, as a person sorts it, then the rest. */
static const AfActionRow rows[] = {
  {
      .id = "label",
      .service = "gmail",
      .permission = "gmail.modify",
      .target_param = "label",
      .inverse = "unlabel",
      .side_effect = TRUE,
      .batchable = TRUE,
      .words = AF_ACTION_WORDS_TITLE_LABEL,
      .title = N_ ("Label a message"),
      .todo = N_ ("Label “%s” as %s"),
      .done = N_ ("Labelled “%s” as %s"),
      /* Translators: parts of a list like “label 30 messages, archive 14” */
      .count_todo = NP_ ("label %u message", "label %u messages"),
      .count_done = NP_ ("labelled %u message", "labelled %u messages"),
      /* Translators: %s is an agent's name */
      .always = N_ ("Let %s label mail without asking"),
  },
  {
      .id = "archive",
      .service = "gmail",
      .permission = "gmail.modify",
      .inverse = "unarchive",
      .side_effect = TRUE,
      .batchable = TRUE,
      .words = AF_ACTION_WORDS_TITLE,
      .title = N_ ("Archive a message"),
      .todo = N_ ("Archive “%s”"),
      .done = N_ ("Archived “%s”"),
      .count_todo = NP_ ("archive %u", "archive %u"),
      .count_done = NP_ ("archived %u message", "archived %u messages"),
      .always = N_ ("Let %s archive mail without asking"),
  },
  {
      .id = "star",
      .service = "gmail",
      .permission = "gmail.modify",
      .inverse = "unstar",
      .side_effect = TRUE,
      .batchable = TRUE,
      .words = AF_ACTION_WORDS_TITLE,
      .title = N_ ("Star a message"),
      .todo = N_ ("Star “%s”"),
      .done = N_ ("Starred “%s”"),
      .count_todo = NP_ ("star %u", "star %u"),
      .count_done = NP_ ("starred %u message", "starred %u messages"),
      .always = N_ ("Let %s star mail without asking"),
  },
  {
      .id = "mark_read",
      .service = "gmail",
      .permission = "gmail.modify",
      .inverse = "mark_unread",
      .side_effect = TRUE,
      .batchable = TRUE,
      .words = AF_ACTION_WORDS_TITLE,
      .title = N_ ("Mark a message read"),
      .todo = N_ ("Mark “%s” as read"),
      .done = N_ ("Marked “%s” as read"),
      .count_todo = NP_ ("mark %u as read", "mark %u as read"),
      .count_done = NP_ ("marked %u message read", "marked %u messages read"),
      .always = N_ ("Let %s mark mail as read without asking"),
  },
  {
      .id = "draft",
      .service = "gmail",
      .permission = "gmail.compose",
      .text_param = "body",
      .side_effect = TRUE,
      .words = AF_ACTION_WORDS_TITLE,
      .title = N_ ("Write a draft reply"),
      .todo = N_ ("Draft a reply to “%s”"),
      .done = N_ ("Drafted a reply to “%s”"),
      .count_todo = NP_ ("draft %u reply", "draft %u replies"),
      .count_done = NP_ ("%u draft", "%u drafts"),
      .consequence = N_ ("If you approve, the reply is saved as a draft for you to send. If you deny, "
                         "nothing is saved."),
      .always = N_ ("Let %s draft replies without asking"),
  },
  {
      .id = "send",
      .service = "gmail",
      .permission = "gmail.send",
      .text_param = "body",
      .side_effect = TRUE,
      .ask_after_untrusted = TRUE,
      .words = AF_ACTION_WORDS_RECIPIENT,
      .title = N_ ("Send a message"),
      .todo = N_ ("Send a mail to %s"),
      .done = N_ ("Sent a mail to %s"),
      .reply_todo = N_ ("Send a reply to %s"),
      .reply_done = N_ ("Sent a reply to %s"),
      .count_todo = NP_ ("send %u mail", "send %u mails"),
      .count_done = NP_ ("sent %u message", "sent %u messages"),
      .consequence = N_ ("If you approve, the message is sent once, from your account. If you deny, "
                         "nothing is sent."),
      .always = N_ ("Let %s send mail without asking"),
  },
  {
      .id = "create_event",
      .service = "calendar",
      .permission = "calendar.write",
      .side_effect = TRUE,
      .ask_after_untrusted = TRUE,
      .words = AF_ACTION_WORDS_SUMMARY,
      .title = N_ ("Create an event"),
      .todo = N_ ("Add “%s” to your calendar"),
      .done = N_ ("Added “%s” to your calendar"),
      .count_todo = NP_ ("add %u event", "add %u events"),
      .count_done = NP_ ("created %u event", "created %u events"),
      .always = N_ ("Let %s add events to your calendar without asking"),
  },
  {
      .id = "delete_event",
      .service = "calendar",
      .permission = "calendar.write",
      .side_effect = TRUE,
      .ask_after_untrusted = TRUE,
      .words = AF_ACTION_WORDS_SUMMARY,
      .title = N_ ("Delete an event"),
      .todo = N_ ("Remove “%s” from your calendar"),
      .done = N_ ("Removed “%s” from your calendar"),
      .count_done = NP_ ("deleted %u event", "deleted %u events"),
  },
  {
      .id = "post",
      .service = "slack",
      .permission = "slack.post",
      .target_param = "channel",
      .text_param = "text",
      .side_effect = TRUE,
      .ask_after_untrusted = TRUE,
      .words = AF_ACTION_WORDS_CHANNEL,
      .title = N_ ("Post to Slack"),
      .todo = N_ ("Post to %s"),
      .done = N_ ("Posted to %s"),
      .count_todo = NP_ ("post %u message", "post %u messages"),
      .count_done = NP_ ("posted %u Slack message", "posted %u Slack messages"),
      .consequence = N_ ("If you approve, the message appears in the channel. If you deny, nothing is "
                         "posted."),
      .always = N_ ("Let %s post to Slack without asking"),
  },
  {
      .id = "read_mail",
      .service = "gmail",
      .permission = "gmail.read",
  },
  {
      .id = "list_events",
      .service = "calendar",
      .permission = "calendar.read",
  },
  /* The undo of label, archive, star and mark_read. */
  {
      .id = "unlabel",
      .service = "gmail",
      .permission = "gmail.modify",
      .side_effect = TRUE,
      .batchable = TRUE,
      .words = AF_ACTION_WORDS_LABEL_TITLE,
      .todo = N_ ("Remove the label %s from “%s”"),
      .done = N_ ("Removed the label %s from “%s”"),
  },
  {
      .id = "unarchive",
      .service = "gmail",
      .permission = "gmail.modify",
      .side_effect = TRUE,
      .batchable = TRUE,
      .words = AF_ACTION_WORDS_TITLE,
      .todo = N_ ("Move “%s” back to the inbox"),
      .done = N_ ("Moved “%s” back to the inbox"),
  },
  {
      .id = "unstar",
      .service = "gmail",
      .permission = "gmail.modify",
      .side_effect = TRUE,
      .batchable = TRUE,
      .words = AF_ACTION_WORDS_TITLE,
      .todo = N_ ("Remove the star from “%s”"),
      .done = N_ ("Removed the star from “%s”"),
  },
  {
      .id = "mark_unread",
      .service = "gmail",
      .permission = "gmail.modify",
      .side_effect = TRUE,
      .batchable = TRUE,
      .words = AF_ACTION_WORDS_TITLE,
      .todo = N_ ("Mark “%s” as unread"),
      .done = N_ ("Marked “%s” as unread"),
  },
};

/* The tools of actions.json, read once. */
typedef struct
{
  JsonNode    *root;
  GHashTable  *by_id; /* action id → JsonObject (a tool) */
  const char **order; /* ids, in the order of the file */
} Tools;

const AfActionRow *
af_action_row (const char *action)
{
  for (guint i = 0; action != NULL && i < G_N_ELEMENTS (rows); i++)
    if (g_str_equal (rows[i].id, action))
      return &rows[i];
  return NULL;
}

void
af_engine_ensure_resource (void)
{
  static gsize registered;

  /* Registered by hand: a constructor in a static library is dropped by
   * the linker when nothing references it. Twice would link the resource
   * into GLib's list twice, hence once. */
  if (g_once_init_enter (&registered))
    {
      af_engine_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

static Tools *
load_tools (void)
{
  Tools *tools = g_new0 (Tools, 1);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *list;

  tools->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  af_engine_ensure_resource ();
  bytes = g_resources_lookup_data (ACTIONS_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    g_error ("The built-in %s cannot be read: %s", ACTIONS_PATH, error->message);
  tools->root = json_parser_steal_root (parser);
  list = af_json_get_array (JSON_NODE_HOLDS_OBJECT (tools->root) ? json_node_get_object (tools->root) : NULL,
                            "tools");
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *tool = af_json_array_get_object (list, i);
      const char *name = af_json_get_string (tool, "name", NULL);

      /* A tool without a row could not pass the permission gate. */
      if (af_action_row (name) == NULL || af_json_get_object (tool, "parameters") == NULL)
        g_error ("%s: tools[%u] is no known action with parameters", ACTIONS_PATH, i);
      g_hash_table_insert (tools->by_id, (gpointer)name, tool);
      g_ptr_array_add (order, (gpointer)name);
    }
  g_ptr_array_add (order, NULL);
  tools->order = (const char **)g_ptr_array_free (g_steal_pointer (&order), FALSE);
  return tools;
}

static Tools *
get_tools (void)
{
  static Tools *tools;

  if (g_once_init_enter (&tools))
    g_once_init_leave (&tools, load_tools ());
  return tools;
}

/**
 * af_action_list:
 *
 * Returns: (array zero-terminated=1) (transfer none): every action id
 */
const char *const *
af_action_list (void)
{
  static const char **ids;

  if (g_once_init_enter (&ids))
    {
      const char **list = g_new0 (const char *, G_N_ELEMENTS (rows) + 1);

      for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        list[i] = rows[i].id;
      g_once_init_leave (&ids, list);
    }
  return ids;
}

/**
 * af_action_list_tools:
 *
 * Returns: (array zero-terminated=1) (transfer none): the ids of the
 *   actions a model may be offered, in the order it is offered them
 */
const char *const *
af_action_list_tools (void)
{
  return get_tools ()->order;
}

gboolean
af_action_is_known (const char *action)
{
  return af_action_row (action) != NULL;
}

const char *
af_action_get_service (const char *action)
{
  const AfActionRow *row = af_action_row (action);

  return row ? row->service : NULL;
}

const char *
af_action_get_target_param (const char *action)
{
  const AfActionRow *row = af_action_row (action);

  return row ? row->target_param : NULL;
}

const char *
af_action_get_permission (const char *action)
{
  const AfActionRow *row = af_action_row (action);

  return row ? row->permission : NULL;
}

gboolean
af_action_is_side_effect (const char *action)
{
  const AfActionRow *row = af_action_row (action);

  return row ? row->side_effect : FALSE;
}

gboolean
af_action_is_batchable (const char *action)
{
  const AfActionRow *row = af_action_row (action);

  return row ? row->batchable : FALSE;
}

const char *
af_action_get_inverse (const char *action)
{
  const AfActionRow *row = af_action_row (action);

  return row ? row->inverse : NULL;
}

gboolean
af_action_asks_after_untrusted (const char *action)
{
  const AfActionRow *row = af_action_row (action);

  return row ? row->ask_after_untrusted : FALSE;
}

const char *
af_action_get_text_param (const char *action)
{
  const AfActionRow *row = af_action_row (action);

  return row ? row->text_param : NULL;
}

const char *
af_action_get_title (const char *action)
{
  const AfActionRow *row = af_action_row (action);

  return row && row->title ? _ (row->title) : NULL;
}

const char *
af_action_get_consequence (const char *action)
{
  const AfActionRow *row = af_action_row (action);

  return row && row->consequence ? _ (row->consequence) : NULL;
}

char *
af_action_describe_always (const char *action,
                           const char *agent_name)
{
  const AfActionRow *row = af_action_row (action);

  g_return_val_if_fail (agent_name != NULL, NULL);

  if (row == NULL || row->always == NULL)
    return NULL;
    /* The format strings are the table's: checked by xgettext's c-format
     * and by the tests, not by the compiler. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return g_strdup_printf (_ (row->always), agent_name);
#pragma GCC diagnostic pop
}

char *
af_action_describe_count (const char *action,
                          guint       n,
                          gboolean    done)
{
  const AfActionRow *row = af_action_row (action);
  const char *const *words;

  if (row == NULL)
    return NULL;
  words = done ? row->count_done : row->count_todo;
  if (words[0] == NULL)
    return NULL;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return g_strdup_printf (ngettext (words[0], words[1], n), n);
#pragma GCC diagnostic pop
}

const char *
af_action_get_tool_description (const char *action)
{
  JsonObject *tool = action ? g_hash_table_lookup (get_tools ()->by_id, action) : NULL;

  return af_json_get_string (tool, "description", NULL);
}

JsonObject *
af_action_get_tool_schema (const char *action)
{
  JsonObject *tool = action ? g_hash_table_lookup (get_tools ()->by_id, action) : NULL;

  return af_json_get_object (tool, "parameters");
}

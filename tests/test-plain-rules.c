/* test-plain-rules.c — rules a person writes without regular expressions,
 * and the templates built from them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "af-agent.h"
#include "af-engine.h"
#include "af-error.h"
#include "af-rules.h"
#include "af-template.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static gboolean
matches (const char *field,
         const char *op,
         const char *value,
         const char *item_json)
{
  g_autoptr (JsonNode) item = parse (item_json);
  g_autoptr (JsonObject) c = json_object_new ();

  json_object_set_string_member (c, "field", field);
  json_object_set_string_member (c, "op", op);
  json_object_set_string_member (c, "value", value);
  return af_rules_condition_matches (c, json_node_get_object (item), 0);
}

static void
test_contains_any (void)
{
  const char *mail = "{\"subject\":\"Your Invoice #12 from ACME\",\"body\":\"Payment is due. Could you confirm?\"}";

  g_assert_true (matches ("subject", "contains_any", "receipt, invoice", mail));
  /* Case does not matter; spaces around the commas do not either. */
  g_assert_true (matches ("subject", "contains_any", "  INVOICE  ", mail));
  /* Whole words: "pay" is not in "Payment", "voice" not in "Invoice". */
  g_assert_false (matches ("body", "contains_any", "pay", mail));
  g_assert_false (matches ("subject", "contains_any", "voice", mail));
  /* Phrases match as a whole. */
  g_assert_true (matches ("body", "contains_any", "could you, please reply", mail));
  g_assert_false (matches ("body", "contains_any", "would you", mail));
  /* Characters a regular expression would treat specially are plain text. */
  g_assert_true (matches ("subject", "contains_any", "#12", mail));
  g_assert_false (matches ("subject", "contains_any", "inv.ice", mail));
  /* Non-ASCII words fold too. */
  g_assert_true (matches ("subject", "contains_any", "rechnung",
                          "{\"subject\":\"RECHNUNG für März\"}"));
  g_assert_true (matches ("subject", "contains_any", "für",
                          "{\"subject\":\"RECHNUNG FÜR März\"}"));
  /* A missing field matches nothing. */
  g_assert_false (matches ("event_title", "contains_any", "invoice", mail));
}

static void
test_is_from (void)
{
  const char *mail = "{\"from\":\"Dana Doe <Dana@Mail.Example.com>\"}";

  g_assert_true (matches ("from", "is_from", "example.com", mail));
  g_assert_true (matches ("from", "is_from", "@example.com", mail));
  g_assert_true (matches ("from", "is_from", "dana@mail.example.com", mail));
  g_assert_true (matches ("from", "is_from", "other.org, mail.example.com", mail));
  /* Not a suffix of another name, nor the display name. */
  g_assert_false (matches ("from", "is_from", "ample.com", mail));
  g_assert_false (matches ("from", "is_from", "dana@example.com", mail));
  g_assert_false (matches ("from", "is_from", "Dana Doe", mail));
  g_assert_true (matches ("from", "is_from", "work.example", "{\"from\":\"ann@work.example\"}"));
}

static void
test_validate (void)
{
  g_autoptr (JsonNode) empty = parse ("[{\"name\":\"A\",\"conditions\":[{\"field\":\"subject\",\"op\":\"contains_any\","
                                      "\"value\":\" , \"}],\"actions\":[{\"action\":\"star\"}]}]");
  g_autoptr (JsonNode) ok = parse ("[{\"name\":\"A\",\"conditions\":[{\"field\":\"from\",\"op\":\"is_from\","
                                   "\"value\":\"example.com\"}],\"actions\":[{\"action\":\"star\"}]}]");
  g_autoptr (GError) error = NULL;

  g_assert_false (af_rules_validate (json_node_get_array (empty), "rules", &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "rules[0].conditions[0].value"));
  g_clear_error (&error);
  g_assert_true (af_rules_validate (json_node_get_array (ok), "rules", &error));
  g_assert_no_error (error);
}

/* The permission a template needs to read what it works on. */
static const char *
source_permission (const char *source)
{
  if (g_strcmp0 (source, "agenda") == 0)
    return "calendar.read";
  return "gmail.read";
}

static void
test_templates_plain (void)
{
  GListModel *templates = af_template_get_all ();

  for (guint t = 0; t < g_list_model_get_n_items (templates); t++)
    {
      g_autoptr (AfTemplate) template = g_list_model_get_item (templates, t);
      JsonArray *rules = json_object_get_array_member (af_template_get_definition (template), "rules");

      for (guint r = 0; r < json_array_get_length (rules); r++)
        {
          JsonObject *rule = json_array_get_object_element (rules, r);
          JsonArray  *conditions = json_object_get_array_member (rule, "conditions");
          JsonArray  *actions = json_object_get_array_member (rule, "actions");

          /* One condition (or none) and one action: what a rule row in the
           * editor shows, so every rule is visible and editable there. */
          g_assert_cmpuint (json_array_get_length (conditions), <=, 1);
          g_assert_cmpuint (json_array_get_length (actions), ==, 1);
          for (guint c = 0; c < json_array_get_length (conditions); c++)
            g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (conditions, c), "op"), !=,
                             "matches");
        }
    }
}

static void
test_templates_keep_promises (void)
{
  /* What a description promises, in the words the templates use. */
  static const char *const promise[][2] = {
    { "labels", "label" },
    { "archives", "archive" },
    { "stars", "star" },
    { "drafts", "draft" },
    { "posts", "post" },
    { "sends", "send" },
    { "events found in mail", "create_event" },
  };
  GListModel *templates = af_template_get_all ();

  for (guint t = 0; t < g_list_model_get_n_items (templates); t++)
    {
      g_autoptr (AfTemplate) template = g_list_model_get_item (templates, t);
      JsonObject        *definition = af_template_get_definition (template);
      JsonArray         *rules = json_object_get_array_member (definition, "rules");
      const char *const *granted = af_template_get_permissions (template);
      const char        *description = af_template_get_description (template);
      g_autoptr (GPtrArray) used = g_ptr_array_new ();

      if (g_str_equal (af_template_get_id (template), "custom"))
        continue;

      for (guint r = 0; r < json_array_get_length (rules); r++)
        {
          JsonArray *actions = json_object_get_array_member (json_array_get_object_element (rules, r), "actions");

          for (guint a = 0; a < json_array_get_length (actions); a++)
            g_ptr_array_add (used, (gpointer)json_object_get_string_member (json_array_get_object_element (actions, a),
                                                                            "action"));
        }

      /* Every action the description mentions is one its rules take, with
       * the permission it needs granted. */
      for (guint p = 0; p < G_N_ELEMENTS (promise); p++)
        {
          gboolean found = FALSE;

          if (strstr (description, promise[p][0]) == NULL)
            continue;
          for (guint u = 0; u < used->len; u++)
            found |= g_str_equal (g_ptr_array_index (used, u), promise[p][1]);
          if (!found)
            g_error ("%s promises “%s” but no rule does it", af_template_get_id (template), promise[p][0]);
          g_assert_true (g_strv_contains (granted, af_action_get_permission (promise[p][1])));
        }

      /* Least privilege: each permission is the source's or some rule's. */
      for (guint g = 0; granted[g] != NULL; g++)
        {
          gboolean needed = g_str_equal (granted[g], source_permission (json_object_get_string_member_with_default (
                                                         definition, "source", "mail")));

          for (guint u = 0; u < used->len; u++)
            needed |= g_strcmp0 (af_action_get_permission (g_ptr_array_index (used, u)), granted[g]) == 0;
          if (!needed)
            g_error ("%s holds %s but never uses it", af_template_get_id (template), granted[g]);
        }
    }
}

/* The sample workspace's agents hold the services and permissions their
 * templates ask for, and no more. */
static gboolean
rules_use_permission (JsonObject *definition,
                      const char *permission)
{
  JsonArray *rules = json_object_get_array_member (definition, "rules");

  for (guint r = 0; rules != NULL && r < json_array_get_length (rules); r++)
    {
      JsonArray *actions = json_object_get_array_member (json_array_get_object_element (rules, r), "actions");

      for (guint a = 0; actions != NULL && a < json_array_get_length (actions); a++)
        {
          const char *action = json_object_get_string_member (json_array_get_object_element (actions, a), "action");

          if (g_strcmp0 (af_action_get_permission (action), permission) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static void
test_sample_agents_least_privilege (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("af-plain-rules-XXXXXX", &error);
  g_autoptr (AfEngine) engine = NULL;
  GListModel *agents;

  g_assert_no_error (error);
  g_setenv ("AGENTFLOW_DATA_DIR", dir, TRUE);
  engine = af_engine_new_for_sandbox (&error);
  g_assert_no_error (error);
  agents = af_engine_get_agents (engine);
  g_assert_cmpuint (g_list_model_get_n_items (agents), ==, 3);

  for (guint i = 0; i < g_list_model_get_n_items (agents); i++)
    {
      g_autoptr (AfAgent) agent = g_list_model_get_item (agents, i);
      AfTemplate *template = af_template_lookup (af_agent_get_template_id (agent));
      JsonArray         *connections = json_object_get_array_member (af_agent_get_definition (agent), "connections");
      const char *const *services = af_template_get_services (template);

      g_assert_cmpuint (json_array_get_length (connections), ==, g_strv_length ((char **)services));
      for (guint c = 0; c < json_array_get_length (connections); c++)
        {
          JsonObject *connection = json_array_get_object_element (connections, c);
          JsonArray  *perms = json_object_get_array_member (connection, "permissions");

          g_assert_true (g_strv_contains (services, json_object_get_string_member (connection, "service")));
          for (guint p = 0; p < json_array_get_length (perms); p++)
            {
              const char *perm = json_array_get_string_element (perms, p);

              /* Beyond the template's, only what one of its own rules uses. */
              if (!g_strv_contains (af_template_get_permissions (template), perm))
                g_assert_true (rules_use_permission (af_agent_get_definition (agent), perm));
            }
        }
    }
}

static gboolean
matches_at (const char *field,
            const char *op,
            const char *value,
            const char *item_json,
            gint64      now)
{
  g_autoptr (JsonNode) item = parse (item_json);
  g_autoptr (JsonObject) c = json_object_new ();

  json_object_set_string_member (c, "field", field);
  json_object_set_string_member (c, "op", op);
  json_object_set_string_member (c, "value", value);
  return af_rules_condition_matches (c, json_node_get_object (item), now);
}

/* A Slack message as the "slack" source reads it. */
static void
test_slack_conditions (void)
{
  const char *alert = "{\"id\":\"C0ALERTS:1700000000.000001\",\"channel\":\"#alerts\",\"channel_id\":\"C0ALERTS\","
                      "\"from\":\"U0BOB\",\"text\":\"The payments API is down again\"}";
  const char *bot = "{\"channel\":\"#alerts\",\"channel_id\":\"C0ALERTS\",\"from\":\"deploy-bot\",\"text\":\"Deployed\"}";

  /* In channel: by name with or without "#", by id, one of a list. */
  g_assert_true (matches ("channel", "in_channel", "#alerts", alert));
  g_assert_true (matches ("channel", "in_channel", "ALERTS", alert));
  g_assert_true (matches ("channel", "in_channel", "C0ALERTS", alert));
  g_assert_true (matches ("channel", "in_channel", "#random, #alerts", alert));
  g_assert_false (matches ("channel", "in_channel", "#random", alert));
  g_assert_false (matches ("channel", "in_channel", "#alert", alert));
  /* From a member (its id) or a bot (its name). */
  g_assert_true (matches ("from", "is_from", "U0BOB", alert));
  g_assert_true (matches ("from", "is_from", "U0CAROL, @u0bob", alert));
  g_assert_false (matches ("from", "is_from", "U0CAROL", alert));
  g_assert_true (matches ("from", "is_from", "deploy-bot", bot));
  g_assert_false (matches ("from", "is_from", "example.com", bot));
  /* Text contains any of: whole words. */
  g_assert_true (matches ("text", "contains_any", "outage, down", alert));
  g_assert_false (matches ("text", "contains_any", "outage, downtime", alert));
  g_assert_false (matches ("text", "contains_any", "outage", bot));
}

/* Calendar events: title, organizer, starts within, conflicts. */
static void
test_calendar_conditions (void)
{
  gint64      now = (gint64)1700000000 * G_USEC_PER_SEC;
  const char *event = "{\"event_title\":\"Design review: Berlin trip\",\"organizer\":\"carol@example.org\","
                      "\"event_start\":1700005400,\"has_conflicts\":true}";
  g_autoptr (JsonObject) conflicts = json_object_new ();
  g_autoptr (JsonNode) item = parse (event);

  g_assert_true (matches_at ("event_title", "contains_any", "standup, review", event, now));
  g_assert_false (matches_at ("event_title", "contains_any", "standup", event, now));
  g_assert_true (matches_at ("organizer", "is_from", "carol@example.org", event, now));
  g_assert_true (matches_at ("organizer", "is_from", "example.org", event, now));
  g_assert_false (matches_at ("organizer", "is_from", "bob@example.org", event, now));
  /* Starts in 1.5 hours: within 2 hours, not within 1; an event that
   * started already is not "within" anything. */
  g_assert_true (matches_at ("event_start", "within", "2h", event, now));
  g_assert_false (matches_at ("event_start", "within", "1h", event, now));
  g_assert_false (matches_at ("event_start", "within", "2h", event, now + (gint64)2 * 3600 * G_USEC_PER_SEC));
  g_assert_false (matches_at ("event_start", "within", "soon", event, now));
  json_object_set_string_member (conflicts, "field", "has_conflicts");
  json_object_set_string_member (conflicts, "op", "is");
  json_object_set_boolean_member (conflicts, "value", TRUE);
  g_assert_true (af_rules_condition_matches (conflicts, json_node_get_object (item), now));
}

/* The new conditions are checked like the others when an agent is saved. */
static void
test_validate_slack_calendar (void)
{
  g_autoptr (JsonNode) good = parse ("[{\"conditions\":[{\"field\":\"channel\",\"op\":\"in_channel\",\"value\":\"#alerts\"},"
                                     "{\"field\":\"text\",\"op\":\"contains_any\",\"value\":\"outage, down\"},"
                                     "{\"field\":\"event_start\",\"op\":\"within\",\"value\":\"3h\"}],"
                                     "\"actions\":[{\"action\":\"post\"}]}]");
  g_autoptr (JsonNode) no_channel = parse ("[{\"conditions\":[{\"field\":\"channel\",\"op\":\"in_channel\",\"value\":\" , \"}],"
                                           "\"actions\":[{\"action\":\"post\"}]}]");
  g_autoptr (JsonNode) bad_within = parse ("[{\"conditions\":[{\"field\":\"event_start\",\"op\":\"within\",\"value\":\"soon\"}],"
                                           "\"actions\":[{\"action\":\"post\"}]}]");
  g_autoptr (GError) error = NULL;

  g_assert_true (af_rules_validate (json_node_get_array (good), "rules", &error));
  g_assert_no_error (error);
  g_assert_false (af_rules_validate (json_node_get_array (no_channel), "rules", &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "rules[0].conditions[0].value"));
  g_clear_error (&error);
  g_assert_false (af_rules_validate (json_node_get_array (bad_within), "rules", &error));
  g_assert_error (error, AF_ERROR, AF_ERROR_INVALID_DATA);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plain-rules/contains-any", test_contains_any);
  g_test_add_func ("/plain-rules/is-from", test_is_from);
  g_test_add_func ("/plain-rules/validate", test_validate);
  g_test_add_func ("/plain-rules/slack-conditions", test_slack_conditions);
  g_test_add_func ("/plain-rules/calendar-conditions", test_calendar_conditions);
  g_test_add_func ("/plain-rules/validate-slack-calendar", test_validate_slack_calendar);
  g_test_add_func ("/plain-rules/templates-plain", test_templates_plain);
  g_test_add_func ("/plain-rules/templates-keep-promises", test_templates_keep_promises);
  g_test_add_func ("/plain-rules/sample-agents-least-privilege", test_sample_agents_least_privilege);

  return g_test_run ();
}

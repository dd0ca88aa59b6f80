/* af-agent.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-agent"

#include "config.h"

#include "af-action.h"
#include "af-agent.h"
#include "af-error.h"
#include "af-json-private.h"
#include "af-rules.h"
#include "af-shared-definition.h"
#include "af-template.h"
#include "af-time.h"

struct _AfAgent
{
  GObject parent_instance;

  char               *id;
  char               *name;
  char               *description;
  char               *template_id;
  JsonObject         *definition;
  AfSharedDefinition *shared; /* while it shares its definition */
  AfAgentState        state;
  char               *state_reason;
  gint64              created_at;
  gint64              updated_at;
  gint64              last_run;
  gint64              next_run;
};

G_DEFINE_FINAL_TYPE (AfAgent, af_agent, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_TEMPLATE_ID,
  PROP_STATE,
  PROP_STATE_REASON,
  PROP_LAST_RUN,
  PROP_NEXT_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const permissions[] = {
  "gmail.read",
  "gmail.modify",
  "gmail.compose",
  "gmail.send",
  "calendar.read",
  "calendar.write",
  "slack.read",
  "slack.post",
  NULL,
};

/* Where a run's items come from (AfExecutor's fetch). */
static const char *const sources[] = {
  "mail",
  "agenda",
  "digest",
  "slack",
  NULL,
};

static const char *const trigger_types[] = {
  "manual",
  "interval",
  "daily",
  "weekly",
  "new_mail",
  "upcoming_event",
  NULL,
};

/* g_set_str() is GLib 2.76, above our floor. */
static gboolean
set_str (char      **dest,
         const char *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (value);
  return TRUE;
}

static gboolean
fail (GError    **error,
      const char *path,
      const char *message)
{
  g_set_error (error, AF_ERROR, AF_ERROR_INVALID_DATA, "%s: %s", path, message);
  return FALSE;
}

/* Agents equal in definition share one parsed tree (see
 * af-shared-definition.c), never modified: af_agent_get_definition(), the
 * mutable accessor, gives the agent its own copy first; readers use
 * af_agent_peek_definition(). Takes @shared, acquired before the old one
 * is let go (the new definition may have been the old one). */
static void
hold_shared (AfAgent            *self,
             AfSharedDefinition *shared)
{
  if (self->shared != NULL)
    af_shared_definition_release (self->shared);
  g_clear_pointer (&self->definition, json_object_unref);
  self->shared = shared;
  self->definition = json_object_ref (af_shared_definition_get (shared));
}

static void
share_definition (AfAgent    *self,
                  JsonObject *definition)
{
  hold_shared (self, af_shared_definition_acquire (definition));
}

/* The agent goes on with a private copy of its definition, to modify. */
static void
unshare_definition (AfAgent *self)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) copy = NULL;

  if (self->shared == NULL)
    return;
  node = json_node_init_object (json_node_alloc (), self->definition);
  copy = af_json_deep_copy (node);
  json_object_unref (self->definition);
  self->definition = json_object_ref (json_node_get_object (copy));
  g_clear_pointer (&self->shared, af_shared_definition_release);
}

static void
af_agent_finalize (GObject *object)
{
  AfAgent *self = (AfAgent *)object;

  g_clear_pointer (&self->shared, af_shared_definition_release);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->template_id, g_free);
  g_clear_pointer (&self->definition, json_object_unref);
  g_clear_pointer (&self->state_reason, g_free);

  G_OBJECT_CLASS (af_agent_parent_class)->finalize (object);
}

static void
af_agent_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  AfAgent *self = AF_AGENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_TEMPLATE_ID:
      g_value_set_string (value, self->template_id);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_STATE_REASON:
      g_value_set_string (value, self->state_reason);
      break;
    case PROP_LAST_RUN:
      g_value_set_int64 (value, self->last_run);
      break;
    case PROP_NEXT_RUN:
      g_value_set_int64 (value, self->next_run);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_agent_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  AfAgent *self = AF_AGENT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      af_agent_set_name (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      af_agent_set_description (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_agent_class_init (AfAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags   ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags   rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = af_agent_finalize;
  object_class->get_property = af_agent_get_property;
  object_class->set_property = af_agent_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, rw);
  properties[PROP_TEMPLATE_ID] = g_param_spec_string ("template-id", NULL, NULL, NULL, ro);
  /* AfAgentState */
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, AF_AGENT_STATE_NEEDS_ATTENTION, 0, ro);
  properties[PROP_STATE_REASON] = g_param_spec_string ("state-reason", NULL, NULL, NULL, ro);
  properties[PROP_LAST_RUN] = g_param_spec_int64 ("last-run", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_NEXT_RUN] = g_param_spec_int64 ("next-run", NULL, NULL, 0, G_MAXINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_agent_init (AfAgent *self)
{
  self->description = g_strdup ("");
}

/**
 * af_agent_new:
 * @id: (nullable): a new UUID when %NULL
 */
AfAgent *
af_agent_new (const char *id,
              const char *name,
              const char *template_id,
              JsonObject *definition)
{
  AfAgent *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (template_id != NULL, NULL);

  self = g_object_new (AF_TYPE_AGENT, NULL);
  self->id = id ? g_strdup (id) : g_uuid_string_random ();
  self->name = g_strdup (name);
  self->template_id = g_strdup (template_id);
  if (definition != NULL)
    share_definition (self, definition);
  else
    {
      g_autoptr (JsonObject) empty = json_object_new ();

      share_definition (self, empty);
    }
  self->created_at = self->updated_at = g_get_real_time ();
  return self;
}

const char *
af_agent_get_id (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  return self->id;
}

const char *
af_agent_get_name (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  return self->name;
}

void
af_agent_set_name (AfAgent    *self,
                   const char *name)
{
  g_return_if_fail (AF_IS_AGENT (self));
  g_return_if_fail (name != NULL);

  if (set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
af_agent_get_description (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  return self->description;
}

void
af_agent_set_description (AfAgent    *self,
                          const char *description)
{
  g_return_if_fail (AF_IS_AGENT (self));

  if (set_str (&self->description, description ? description : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

const char *
af_agent_get_template_id (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  return self->template_id;
}

/**
 * af_agent_get_definition:
 *
 * The definition, to modify: the agent stops sharing it with others made
 * from the same template (see share_definition()). To only read it, use
 * af_agent_peek_definition().
 *
 * Returns: (transfer none): the agent's own definition
 */
JsonObject *
af_agent_get_definition (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  unshare_definition (self);
  return self->definition;
}

/* Returns: (transfer none): the definition, to read and never modify (it
 * may be shared), valid until the agent's definition changes */
JsonObject *
af_agent_peek_definition (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  return self->definition;
}

/**
 * af_agent_set_definition_text:
 * @text: (nullable): the definition as stored
 *
 * Sets the definition from its stored text, parsed only when no other agent
 * holds an equal one. Text that is not a JSON object gives an empty
 * definition (the editor then opens it blank).
 */
void
af_agent_set_definition_text (AfAgent    *self,
                              const char *text)
{
  AfSharedDefinition *shared = text ? af_shared_definition_acquire_text (text) : NULL;

  g_return_if_fail (AF_IS_AGENT (self));
  hold_shared (self, shared ? shared : af_shared_definition_acquire_text ("{}"));
}

void
af_agent_set_definition (AfAgent    *self,
                         JsonObject *definition)
{
  g_return_if_fail (AF_IS_AGENT (self));
  g_return_if_fail (definition != NULL);

  share_definition (self, definition);
}

JsonObject *
af_agent_get_trigger (AfAgent *self)
{
  JsonNode *node;

  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  node = json_object_get_member (self->definition, "trigger");
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
af_agent_get_rules (AfAgent *self)
{
  JsonNode *node;

  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  node = json_object_get_member (self->definition, "rules");
  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
af_agent_get_ai (AfAgent *self)
{
  JsonNode *node;

  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  node = json_object_get_member (self->definition, "ai");
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * af_agent_get_account:
 * @service: "gmail", "calendar" or "slack"
 *
 * The account the agent uses for @service: its connection for that
 * service, else one that grants a "@service.…" permission.
 *
 * Returns: (nullable): the account, %NULL when there is none (or it is
 *   empty: chosen but not connected yet)
 */
const char *
af_agent_get_account (AfAgent    *self,
                      const char *service)
{
  g_autofree char *prefix = NULL;
  JsonArray       *connections;
  const char      *found = NULL;

  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  g_return_val_if_fail (service != NULL, NULL);

  if (!json_object_has_member (self->definition, "connections"))
    return NULL;
  connections = json_object_get_array_member (self->definition, "connections");
  prefix = g_strconcat (service, ".", NULL);
  for (guint i = 0; connections != NULL && i < json_array_get_length (connections); i++)
    {
      JsonObject *c = json_array_get_object_element (connections, i);
      const char *account = c ? af_json_get_string (c, "account", NULL) : NULL;
      JsonArray  *granted;

      if (c == NULL || account == NULL || *account == '\0')
        continue;
      if (g_strcmp0 (af_json_get_string (c, "service", NULL), service) == 0)
        return account;
      granted = json_object_has_member (c, "permissions") ? json_object_get_array_member (c, "permissions") : NULL;
      for (guint j = 0; found == NULL && granted != NULL && j < json_array_get_length (granted); j++)
        if (g_str_has_prefix (af_json_array_get_string (granted, j), prefix))
          found = account;
    }
  return found;
}

AfAgentState
af_agent_get_state (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), AF_AGENT_STATE_ACTIVE);
  return self->state;
}

const char *
af_agent_get_state_reason (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), NULL);
  return self->state_reason;
}

void
af_agent_set_state (AfAgent     *self,
                    AfAgentState state,
                    const char  *reason)
{
  g_return_if_fail (AF_IS_AGENT (self));

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (set_str (&self->state_reason, reason))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_REASON]);
}

gint64
af_agent_get_created_at (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), 0);
  return self->created_at;
}

gint64
af_agent_get_updated_at (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), 0);
  return self->updated_at;
}

void
af_agent_set_timestamps (AfAgent *self,
                         gint64   created_at,
                         gint64   updated_at)
{
  g_return_if_fail (AF_IS_AGENT (self));
  self->created_at = created_at;
  self->updated_at = updated_at;
}

gint64
af_agent_get_last_run (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), 0);
  return self->last_run;
}

void
af_agent_set_last_run (AfAgent *self,
                       gint64   last_run)
{
  g_return_if_fail (AF_IS_AGENT (self));
  if (self->last_run == last_run)
    return;
  self->last_run = last_run;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_RUN]);
}

gint64
af_agent_get_next_run (AfAgent *self)
{
  g_return_val_if_fail (AF_IS_AGENT (self), 0);
  return self->next_run;
}

void
af_agent_set_next_run (AfAgent *self,
                       gint64   next_run)
{
  g_return_if_fail (AF_IS_AGENT (self));
  if (self->next_run == next_run)
    return;
  self->next_run = next_run;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_RUN]);
}

/**
 * af_agent_has_permission:
 *
 * The permission gate: %TRUE only when one of the agent's connections
 * grants @permission. Enforced in code before every call, whatever a rule
 * or a model asked for.
 */
gboolean
af_agent_has_permission (AfAgent    *self,
                         const char *permission)
{
  JsonArray *connections;

  g_return_val_if_fail (AF_IS_AGENT (self), FALSE);

  if (permission == NULL || !json_object_has_member (self->definition, "connections"))
    return FALSE;

  connections = json_object_get_array_member (self->definition, "connections");
  for (guint i = 0; i < json_array_get_length (connections); i++)
    {
      JsonObject *c = json_array_get_object_element (connections, i);
      JsonArray  *granted;

      if (c == NULL || !json_object_has_member (c, "permissions"))
        continue;
      granted = json_object_get_array_member (c, "permissions");
      for (guint j = 0; j < json_array_get_length (granted); j++)
        if (g_strcmp0 (af_json_array_get_string (granted, j), permission) == 0)
          return TRUE;
    }
  return FALSE;
}

AfApprovalPolicy
af_agent_get_approval_policy (AfAgent    *self,
                              const char *action,
                              gboolean    read_untrusted)
{
  JsonObject *approvals = NULL;

  g_return_val_if_fail (AF_IS_AGENT (self), AF_APPROVAL_POLICY_NEVER);

  if (json_object_has_member (self->definition, "approvals"))
    approvals = json_object_get_object_member (self->definition, "approvals");
  if (approvals != NULL && json_object_has_member (approvals, action))
    {
      const char *policy = af_json_get_string (approvals, action, NULL);

      if (g_strcmp0 (policy, "auto") == 0)
        return AF_APPROVAL_POLICY_AUTO;
      if (g_strcmp0 (policy, "never") == 0)
        return AF_APPROVAL_POLICY_NEVER;
      return AF_APPROVAL_POLICY_ASK;
    }

  /* Default: ask first for send, post and events once untrusted content
   * (a mail body, a message) has been read in this run. */
  if (af_action_asks_after_untrusted (action) && read_untrusted)
    return AF_APPROVAL_POLICY_ASK;
  return AF_APPROVAL_POLICY_AUTO;
}

const char *
af_agent_state_to_string (AfAgentState state)
{
  switch (state)
    {
    case AF_AGENT_STATE_PAUSED:
      return "paused";
    case AF_AGENT_STATE_NEEDS_ATTENTION:
      return "needs-attention";
    case AF_AGENT_STATE_ACTIVE:
    default:
      return "active";
    }
}

AfAgentState
af_agent_state_from_string (const char *state)
{
  if (g_strcmp0 (state, "paused") == 0)
    return AF_AGENT_STATE_PAUSED;
  if (g_strcmp0 (state, "needs-attention") == 0)
    return AF_AGENT_STATE_NEEDS_ATTENTION;
  return AF_AGENT_STATE_ACTIVE;
}

static gboolean
validate_trigger (JsonNode *node,
                  GError  **error)
{
  JsonObject *t;
  const char *type;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "trigger", "must be an object");
  t = json_node_get_object (node);
  type = af_json_get_string (t, "type", NULL);
  if (type == NULL || !g_strv_contains (trigger_types, type))
    return fail (error, "trigger.type", "must be one of manual, interval, daily, weekly, new_mail, upcoming_event");

  if (g_str_equal (type, "interval") || g_str_equal (type, "new_mail") || g_str_equal (type, "upcoming_event"))
    {
      gint64 minutes = af_json_get_int (t, "minutes", g_str_equal (type, "interval") ? 0 : 5);

      if (minutes < 1 || minutes > 7 * 24 * 60)
        return fail (error, "trigger.minutes", "must be between 1 and 10080");
    }
  if (g_str_equal (type, "daily") || g_str_equal (type, "weekly"))
    {
      if (!af_time_parse_hhmm (af_json_get_string (t, "at", NULL), NULL, NULL))
        return fail (error, "trigger.at", "must be a time such as “08:30”");
    }
  if (g_str_equal (type, "weekly"))
    {
      gint64 day = af_json_get_int (t, "weekday", 0);

      if (day < 1 || day > 7)
        return fail (error, "trigger.weekday", "must be 1 (Monday) to 7 (Sunday)");
    }
  return TRUE;
}

static gboolean
validate_source (JsonNode *node,
                 GError  **error)
{
  const char *source = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                           ? json_node_get_string (node)
                           : NULL;

  if (source == NULL || !g_strv_contains (sources, source))
    return fail (error, "source", "must be one of mail, agenda, digest, slack");
  return TRUE;
}

/* How far back the first run of a mail agent looks: 0, new mail from
 * then on only. */
static gboolean
validate_first_run_days (JsonNode *node,
                         GError  **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0 || json_node_get_int (node) > 365)
    return fail (error, "first_run_days", "must be a number of days from 0 to 365");
  return TRUE;
}

static gboolean
validate_connections (JsonNode *node,
                      GError  **error)
{
  JsonArray *connections;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, "connections", "must be a list");
  connections = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (connections); i++)
    {
      g_autofree char *path = g_strdup_printf ("connections[%u]", i);
      JsonNode        *cn = json_array_get_element (connections, i);
      JsonObject      *c;
      JsonNode        *perms;

      if (!JSON_NODE_HOLDS_OBJECT (cn))
        return fail (error, path, "must be an object");
      c = json_node_get_object (cn);
      if (af_json_get_string (c, "service", NULL) == NULL)
        {
          g_autofree char *p = g_strconcat (path, ".service", NULL);
          return fail (error, p, "is missing");
        }
      /* Exports carry no secrets, and imports must not smuggle any in. */
      for (const char *const *k = (const char *const[]){ "token", "access_token", "refresh_token", "secret", "password", "api_key", NULL }; *k; k++)
        if (json_object_has_member (c, *k))
          {
            g_autofree char *p = g_strdup_printf ("%s.%s", path, *k);
            return fail (error, p, "secrets are not allowed in an agent file");
          }
      perms = json_object_get_member (c, "permissions");
      if (perms == NULL || !JSON_NODE_HOLDS_ARRAY (perms))
        {
          g_autofree char *p = g_strconcat (path, ".permissions", NULL);
          return fail (error, p, "must be a list");
        }
      for (guint j = 0; j < json_array_get_length (json_node_get_array (perms)); j++)
        {
          const char *perm = af_json_array_get_string (json_node_get_array (perms), j);

          if (perm == NULL || !g_strv_contains (permissions, perm))
            {
              g_autofree char *p = g_strdup_printf ("%s.permissions[%u]", path, j);
              g_autofree char *m = g_strdup_printf ("unknown permission “%s”", perm ? perm : "");
              return fail (error, p, m);
            }
        }
    }
  return TRUE;
}

static gboolean
validate_rules (JsonNode *node,
                GError  **error)
{
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, "rules", "must be a list");
  return af_rules_validate (json_node_get_array (node), "rules", error);
}

static gboolean
validate_approvals (JsonNode *node,
                    GError  **error)
{
  g_autoptr (GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "approvals", "must be an object");
  members = json_object_get_members (json_node_get_object (node));
  for (GList *l = members; l; l = l->next)
    {
      const char      *v = af_json_get_string (json_node_get_object (node), l->data, "");
      g_autofree char *p = g_strdup_printf ("approvals.%s", (const char *)l->data);

      if (!af_action_is_known (l->data))
        return fail (error, p, "unknown action");
      /* Not a string ("send": 1) reads as NULL. */
      if (v == NULL || (!g_str_equal (v, "auto") && !g_str_equal (v, "ask") && !g_str_equal (v, "never")))
        return fail (error, p, "must be “auto”, “ask” or “never”");
    }
  return TRUE;
}

static gboolean
validate_ai (JsonNode *node,
             GError  **error)
{
  JsonObject *ai;

  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "ai", "must be an object");
  ai = json_node_get_object (node);
  if (json_object_has_member (ai, "api_key"))
    return fail (error, "ai.api_key", "secrets are not allowed in an agent file");
  if (af_json_get_int (ai, "max_steps", 8) < 1 || af_json_get_int (ai, "max_steps", 8) > 50)
    return fail (error, "ai.max_steps", "must be between 1 and 50");
  node = json_object_get_member (ai, "model");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      const char *model = json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;

      if (model == NULL || strlen (model) > 200 || !g_utf8_validate (model, -1, NULL))
        return fail (error, "ai.model", "must be a model name");
    }
  node = json_object_get_member (ai, "temperature");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

      if ((type != G_TYPE_DOUBLE && type != G_TYPE_INT64) || json_node_get_double (node) < 0 || json_node_get_double (node) > 2)
        return fail (error, "ai.temperature", "must be a number from 0 to 2");
    }
  return TRUE;
}

typedef struct
{
  const char *name;
  /* Required in an agent file of this version; a definition in the
   * database may still lack it (made before the member existed). */
  gboolean required;
  gboolean (*validate) (JsonNode *node,
                        GError  **error);
} DefinitionMember;

/* Every member an agent definition can hold: the one list that validation,
 * export and import all read, so that an export carries the whole
 * definition and an import accepts exactly what an export writes. A new
 * member of the definition is a new row here. */
static const DefinitionMember definition_members[] = {
  { "source", TRUE, validate_source },
  { "trigger", TRUE, validate_trigger },
  { "first_run_days", FALSE, validate_first_run_days },
  { "connections", FALSE, validate_connections },
  { "rules", FALSE, validate_rules },
  { "ai", FALSE, validate_ai },
  { "approvals", FALSE, validate_approvals },
};

/* The members of an agent file around the definition's. */
static const char *const file_members[] = { "version", "id", "name", "description", "template", NULL };

static const DefinitionMember *
lookup_definition_member (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (definition_members); i++)
    if (g_str_equal (definition_members[i].name, name))
      return &definition_members[i];
  return NULL;
}

gboolean
af_agent_validate_definition (JsonObject *definition,
                              GError    **error)
{
  JsonObjectIter iter;
  const char    *name;
  JsonNode      *node;

  g_return_val_if_fail (definition != NULL, FALSE);

  /* The trigger first: a definition without one says so, whatever else
   * is wrong with it. */
  if (!validate_trigger (json_object_get_member (definition, "trigger"), error))
    return FALSE;
  json_object_iter_init (&iter, definition);
  while (json_object_iter_next (&iter, &name, &node))
    {
      const DefinitionMember *member = lookup_definition_member (name);

      /* Nothing the export would leave behind. */
      if (member == NULL)
        return fail (error, name, "is not a field of an agent definition");
      if (!member->validate (node, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * af_agent_definition_member_names:
 *
 * Returns: (transfer container): the names of every member an agent
 *   definition can hold, in export order, %NULL-terminated; free with g_free()
 */
const char **
af_agent_definition_member_names (void)
{
  const char **names = g_new0 (const char *, G_N_ELEMENTS (definition_members) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (definition_members); i++)
    names[i] = definition_members[i].name;
  return names;
}

JsonNode *
af_agent_to_json (AfAgent *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (AF_IS_AGENT (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, AF_AGENT_EXPORT_VERSION);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, self->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->name);
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, self->description);
  json_builder_set_member_name (b, "template");
  json_builder_add_string_value (b, self->template_id);
  /* The definition holds nothing but these (af_agent_validate_definition()
   * sees to it), so this is all of it. */
  for (guint i = 0; i < G_N_ELEMENTS (definition_members); i++)
    if (json_object_has_member (self->definition, definition_members[i].name))
      {
        json_builder_set_member_name (b, definition_members[i].name);
        json_builder_add_value (b, af_json_deep_copy (json_object_get_member (self->definition,
                                                                              definition_members[i].name)));
      }
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

AfAgent *
af_agent_new_from_json (JsonNode *node,
                        GError  **error)
{
  g_autoptr (JsonObject) definition = NULL;
  JsonObject    *o;
  const char    *name, *template_id, *id;
  gint64         version;
  JsonObjectIter iter;
  const char    *member;
  JsonNode      *value;
  AfAgent       *agent;

  /* An empty or blank file parses to no node at all. */
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "(top)", "an agent file is a JSON object"), NULL;
  o = json_node_get_object (node);

  if (!json_object_has_member (o, "version") || json_node_get_value_type (json_object_get_member (o, "version")) != G_TYPE_INT64)
    return fail (error, "version", "is missing"), NULL;
  version = json_object_get_int_member (o, "version");
  if (version < 1 || version > AF_AGENT_EXPORT_VERSION)
    {
      g_autofree char *m = g_strdup_printf ("version %" G_GINT64_FORMAT " is not supported (this AgentFlow reads versions 1 to %d)",
                                            version, AF_AGENT_EXPORT_VERSION);
      return fail (error, "version", m), NULL;
    }
  name = af_json_get_string (o, "name", NULL);
  if (name == NULL || *name == '\0')
    return fail (error, "name", "must be a non-empty string"), NULL;
  template_id = af_json_get_string (o, "template", NULL);
  if (template_id == NULL || *template_id == '\0')
    return fail (error, "template", "must be a non-empty string"), NULL;
  id = af_json_get_string (o, "id", NULL);

  /* Whatever this version cannot place is refused, not dropped. */
  definition = json_object_new ();
  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &member, &value))
    {
      if (g_strv_contains (file_members, member))
        continue;
      if (lookup_definition_member (member) == NULL)
        return fail (error, member, "is not a field of an agent file"), NULL;
      json_object_set_member (definition, member, af_json_deep_copy (value));
    }

  /* Version 1 files were written before "source" was exported; the agent
   * read what its template reads (no editor changed it then). */
  if (version == 1 && !json_object_has_member (definition, "source"))
    {
      AfTemplate *template = af_template_lookup (template_id);
      JsonObject *defaults = template ? af_template_get_definition (template) : NULL;

      if (defaults != NULL && json_object_has_member (defaults, "source"))
        json_object_set_member (definition, "source", af_json_deep_copy (json_object_get_member (defaults, "source")));
    }
  for (guint i = 0; i < G_N_ELEMENTS (definition_members); i++)
    if (definition_members[i].required && !json_object_has_member (definition, definition_members[i].name))
      return fail (error, definition_members[i].name, "is missing"), NULL;

  if (!af_agent_validate_definition (definition, error))
    return NULL;

  agent = af_agent_new (id, name, template_id, definition);
  af_agent_set_description (agent, af_json_get_string (o, "description", ""));
  return agent;
}

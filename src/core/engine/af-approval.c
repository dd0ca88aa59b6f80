/* af-approval.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-approval"

#include "config.h"

#include "af-action-text.h"
#include "af-approval.h"

struct _AfApproval
{
  GObject parent_instance;

  gint64 id;
  gint64 outbox_id;
  char  *agent_id;
  char  *action;
  char  *target;
  char  *preview;
  char  *reason;
  gint64 created_at;
  gint64 expires_at;
  gint64 run_id;
  char  *summary;       /* in words: “Label “Invoice 2041” as Finance” */
  char  *editable_text; /* a send's or draft's body, a post's text; else NULL */
};

G_DEFINE_FINAL_TYPE (AfApproval, af_approval, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_AGENT_ID,
  PROP_ACTION,
  PROP_TARGET,
  PROP_PREVIEW,
  PROP_REASON,
  PROP_CREATED_AT,
  PROP_EXPIRES_AT,
  PROP_RUN_ID,
  PROP_SUMMARY,
  PROP_EDITABLE_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
af_approval_finalize (GObject *object)
{
  AfApproval *self = (AfApproval *)object;

  g_free (self->agent_id);
  g_free (self->action);
  g_free (self->target);
  g_free (self->preview);
  g_free (self->reason);
  g_free (self->summary);
  g_free (self->editable_text);

  G_OBJECT_CLASS (af_approval_parent_class)->finalize (object);
}

static void
af_approval_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AfApproval *self = AF_APPROVAL (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_AGENT_ID:
      g_value_set_string (value, self->agent_id);
      break;
    case PROP_ACTION:
      g_value_set_string (value, self->action);
      break;
    case PROP_TARGET:
      g_value_set_string (value, self->target);
      break;
    case PROP_PREVIEW:
      g_value_set_string (value, self->preview);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_EXPIRES_AT:
      g_value_set_int64 (value, self->expires_at);
      break;
    case PROP_RUN_ID:
      g_value_set_int64 (value, self->run_id);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, af_approval_get_summary (self));
      break;
    case PROP_EDITABLE_TEXT:
      g_value_set_string (value, self->editable_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_approval_class_init (AfApprovalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags   ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = af_approval_finalize;
  object_class->get_property = af_approval_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_AGENT_ID] = g_param_spec_string ("agent-id", NULL, NULL, NULL, ro);
  properties[PROP_ACTION] = g_param_spec_string ("action", NULL, NULL, NULL, ro);
  properties[PROP_TARGET] = g_param_spec_string ("target", NULL, NULL, NULL, ro);
  properties[PROP_PREVIEW] = g_param_spec_string ("preview", NULL, NULL, NULL, ro);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, ro);
  properties[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_EXPIRES_AT] = g_param_spec_int64 ("expires-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_RUN_ID] = g_param_spec_int64 ("run-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, ro);
  properties[PROP_EDITABLE_TEXT] = g_param_spec_string ("editable-text", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_approval_init (AfApproval *self)
{
}

AfApproval *
af_approval_new (gint64      id,
                 gint64      outbox_id,
                 const char *agent_id,
                 const char *action,
                 const char *target,
                 const char *preview,
                 const char *reason,
                 gint64      created_at,
                 gint64      expires_at)
{
  AfApproval *self = g_object_new (AF_TYPE_APPROVAL, NULL);

  self->id = id;
  self->outbox_id = outbox_id;
  self->agent_id = g_strdup (agent_id);
  self->action = g_strdup (action);
  self->target = g_strdup (target);
  self->preview = g_strdup (preview);
  self->reason = g_strdup (reason);
  self->created_at = created_at;
  self->expires_at = expires_at;
  return self;
}

gint64
af_approval_get_id (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), 0);
  return self->id;
}

gint64
af_approval_get_outbox_id (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), 0);
  return self->outbox_id;
}

const char *
af_approval_get_agent_id (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), NULL);
  return self->agent_id;
}

const char *
af_approval_get_action (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), NULL);
  return self->action;
}

const char *
af_approval_get_target (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), NULL);
  return self->target;
}

const char *
af_approval_get_preview (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), NULL);
  return self->preview;
}

const char *
af_approval_get_reason (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), NULL);
  return self->reason;
}

gint64
af_approval_get_created_at (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), 0);
  return self->created_at;
}

gint64
af_approval_get_expires_at (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), 0);
  return self->expires_at;
}

/**
 * af_approval_set_context:
 * @run_id: the run that asked
 * @stored: the outbox entry's parameters ({"params": …, "item": …})
 *
 * What the approvals page groups by (agent and run) and shows: the action
 * in words, and the text of a send or post, which may be edited before it
 * is approved.
 */
void
af_approval_set_context (AfApproval *self,
                         gint64      run_id,
                         const char *stored)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_return_if_fail (AF_IS_APPROVAL (self));

  self->run_id = run_id;
  g_clear_pointer (&self->summary, g_free);
  self->summary = af_action_describe_stored (self->action, stored, FALSE);
  g_clear_pointer (&self->editable_text, g_free);
  if (stored != NULL && json_parser_load_from_data (parser, stored, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *root = json_node_get_object (json_parser_get_root (parser));
      JsonObject *params = JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "params"))
                               ? json_object_get_object_member (root, "params")
                               : NULL;
      const char *key = af_action_get_text_param (self->action);

      if (params != NULL && key != NULL)
        self->editable_text = g_strdup (json_object_get_string_member_with_default (params, key, ""));
    }
}

gint64
af_approval_get_run_id (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), 0);
  return self->run_id;
}

/**
 * af_approval_get_summary:
 *
 * Returns: the action in words, e.g. “Label “Invoice 2041” as Finance”
 */
const char *
af_approval_get_summary (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), NULL);

  if (self->summary == NULL)
    self->summary = af_action_describe (self->action, NULL, NULL, FALSE);
  return self->summary;
}

/**
 * af_approval_get_editable_text:
 *
 * Returns: (nullable): the body of a mail to send or draft, or the text
 *   of a post, which the person may edit before approving; %NULL for
 *   other actions
 */
const char *
af_approval_get_editable_text (AfApproval *self)
{
  g_return_val_if_fail (AF_IS_APPROVAL (self), NULL);
  return self->editable_text;
}

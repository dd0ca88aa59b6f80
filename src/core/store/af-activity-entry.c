/* af-activity-entry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-activity"

#include "config.h"

#include "af-activity-entry.h"

/* One immutable row of the activity log, as the list model hands it out. */
struct _AfActivityEntry
{
  GObject parent_instance;

  gint64 id;
  gint64 timestamp;
  char  *agent_id;
  gint64 run_id;
  char  *kind;
  char  *summary;
  char  *details;
  char  *outcome;
};

G_DEFINE_FINAL_TYPE (AfActivityEntry, af_activity_entry, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_TIMESTAMP,
  PROP_AGENT_ID,
  PROP_RUN_ID,
  PROP_KIND,
  PROP_SUMMARY,
  PROP_DETAILS,
  PROP_OUTCOME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
af_activity_entry_finalize (GObject *object)
{
  AfActivityEntry *self = (AfActivityEntry *)object;

  g_clear_pointer (&self->agent_id, g_free);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->details, g_free);
  g_clear_pointer (&self->outcome, g_free);

  G_OBJECT_CLASS (af_activity_entry_parent_class)->finalize (object);
}

static void
af_activity_entry_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AfActivityEntry *self = AF_ACTIVITY_ENTRY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_TIMESTAMP:
      g_value_set_int64 (value, self->timestamp);
      break;
    case PROP_AGENT_ID:
      g_value_set_string (value, self->agent_id);
      break;
    case PROP_RUN_ID:
      g_value_set_int64 (value, self->run_id);
      break;
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;
    case PROP_DETAILS:
      g_value_set_string (value, self->details);
      break;
    case PROP_OUTCOME:
      g_value_set_string (value, self->outcome);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_activity_entry_class_init (AfActivityEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags   flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = af_activity_entry_finalize;
  object_class->get_property = af_activity_entry_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TIMESTAMP] = g_param_spec_int64 ("timestamp", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_AGENT_ID] = g_param_spec_string ("agent-id", NULL, NULL, NULL, flags);
  properties[PROP_RUN_ID] = g_param_spec_int64 ("run-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, flags);
  properties[PROP_DETAILS] = g_param_spec_string ("details", NULL, NULL, NULL, flags);
  properties[PROP_OUTCOME] = g_param_spec_string ("outcome", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_activity_entry_init (AfActivityEntry *self)
{
}

AfActivityEntry *
af_activity_entry_new (gint64      id,
                       gint64      timestamp,
                       const char *agent_id,
                       gint64      run_id,
                       const char *kind,
                       const char *summary,
                       const char *details,
                       const char *outcome)
{
  AfActivityEntry *self;

  g_return_val_if_fail (kind != NULL, NULL);

  self = g_object_new (AF_TYPE_ACTIVITY_ENTRY, NULL);
  self->id = id;
  self->timestamp = timestamp;
  self->agent_id = g_strdup (agent_id);
  self->run_id = run_id;
  self->kind = g_strdup (kind);
  self->summary = g_strdup (summary);
  self->details = g_strdup (details);
  self->outcome = g_strdup (outcome);

  return self;
}

gint64
af_activity_entry_get_id (AfActivityEntry *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_ENTRY (self), 0);
  return self->id;
}

gint64
af_activity_entry_get_timestamp (AfActivityEntry *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_ENTRY (self), 0);
  return self->timestamp;
}

const char *
af_activity_entry_get_agent_id (AfActivityEntry *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_ENTRY (self), NULL);
  return self->agent_id;
}

gint64
af_activity_entry_get_run_id (AfActivityEntry *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_ENTRY (self), 0);
  return self->run_id;
}

const char *
af_activity_entry_get_kind (AfActivityEntry *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_ENTRY (self), NULL);
  return self->kind;
}

const char *
af_activity_entry_get_summary (AfActivityEntry *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_ENTRY (self), NULL);
  return self->summary;
}

const char *
af_activity_entry_get_details (AfActivityEntry *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_ENTRY (self), NULL);
  return self->details;
}

const char *
af_activity_entry_get_outcome (AfActivityEntry *self)
{
  g_return_val_if_fail (AF_IS_ACTIVITY_ENTRY (self), NULL);
  return self->outcome;
}

/* af-time-saved-group.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-time-saved-group"

#include "config.h"

#include <glib/gi18n.h>

#include "af-action.h"
#include "af-time-saved-group.h"

/* The estimates behind "Time saved": one row per kind of action, in
 * minutes, written to the "minutes-saved-per-action" dictionary. */
struct _AfTimeSavedGroup
{
  AdwPreferencesGroup parent_instance;

  GSettings  *settings;
  GHashTable *spins; /* action → GtkSpinButton */
  gboolean    syncing;
};

G_DEFINE_FINAL_TYPE (AfTimeSavedGroup, af_time_saved_group, ADW_TYPE_PREFERENCES_GROUP)

#define KEY "minutes-saved-per-action"

static double
lookup (GVariant   *dict,
        const char *action)
{
  double minutes = 0;

  if (dict != NULL && g_variant_lookup (dict, action, "d", &minutes))
    return MAX (minutes, 0);
  return 0;
}

double
af_time_saved_estimate (GSettings  *settings,
                        GHashTable *counts)
{
  g_autoptr (GVariant) dict = NULL;
  GHashTableIter iter;
  gpointer       action, n;
  double         minutes = 0;

  g_return_val_if_fail (G_IS_SETTINGS (settings), 0);

  if (counts == NULL)
    return 0;
  dict = g_settings_get_value (settings, KEY);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &action, &n))
    minutes += GPOINTER_TO_UINT (n) * lookup (dict, action);
  return minutes;
}

static void
sync_from_settings (AfTimeSavedGroup *self)
{
  g_autoptr (GVariant) dict = g_settings_get_value (self->settings, KEY);

  self->syncing = TRUE;
  /* One row per action that has a title: what a person would time. */
  for (const char *const *a = af_action_list (); *a != NULL; a++)
    if (af_action_get_title (*a) != NULL)
      gtk_spin_button_set_value (g_hash_table_lookup (self->spins, *a), lookup (dict, *a));
  self->syncing = FALSE;
}

static void
on_spin_value_changed_cb (GtkSpinButton    *spin,
                          AfTimeSavedGroup *self)
{
  g_autoptr (GVariant) old = NULL;
  GVariantBuilder builder;
  GVariantIter    iter;
  const char     *action = g_object_get_data (G_OBJECT (spin), "af-action");
  const char     *key;
  double          value;

  if (self->syncing)
    return;

  /* Keep the actions this group does not show, change the one it does. */
  old = g_settings_get_value (self->settings, KEY);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sd}"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&sd}", &key, &value))
    if (!g_str_equal (key, action))
      g_variant_builder_add (&builder, "{sd}", key, value);
  g_variant_builder_add (&builder, "{sd}", action, gtk_spin_button_get_value (spin));
  g_settings_set_value (self->settings, KEY, g_variant_builder_end (&builder));
}

static void
af_time_saved_group_dispose (GObject *object)
{
  AfTimeSavedGroup *self = (AfTimeSavedGroup *)object;

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->spins, g_hash_table_unref);

  G_OBJECT_CLASS (af_time_saved_group_parent_class)->dispose (object);
}

static void
af_time_saved_group_class_init (AfTimeSavedGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = af_time_saved_group_dispose;
}

static void
on_reset_clicked_cb (GtkButton        *button,
                     AfTimeSavedGroup *self)
{
  g_settings_reset (self->settings, KEY);
}

static void
af_time_saved_group_init (AfTimeSavedGroup *self)
{
  GtkWidget *reset = gtk_button_new_with_mnemonic (_ ("_Reset"));

  self->spins = g_hash_table_new (g_str_hash, g_str_equal);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _ ("Time Saved"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _ ("The dashboard’s “Time saved” is an estimate: the minutes each kind of "
                                            "action would take you by hand, times the messages, events and Slack "
                                            "messages it was done to. Each one counts once, however often an agent "
                                            "touches it."));

  for (const char *const *a = af_action_list (); *a != NULL; a++)
    {
      const char      *title = af_action_get_title (*a);
      GtkWidget       *row, *spin;
      g_autofree char *name = NULL;

      if (title == NULL)
        continue;
      row = adw_action_row_new ();
      spin = gtk_spin_button_new_with_range (0, 120, 0.25);
      name = g_strdup_printf (_ ("Minutes saved: %s"), title);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _ ("minutes"));
      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_object_set_data (G_OBJECT (spin), "af-action", (gpointer)*a);
      g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_value_changed_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_hash_table_insert (self->spins, (gpointer)*a, spin);
    }

  gtk_widget_add_css_class (reset, "flat");
  gtk_widget_set_valign (reset, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (reset, _ ("Use the estimates AgentFlow comes with"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (reset), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Reset the time saved estimates"), -1);
  g_signal_connect (reset, "clicked", G_CALLBACK (on_reset_clicked_cb), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), reset);
}

GtkWidget *
af_time_saved_group_new (GSettings *settings)
{
  AfTimeSavedGroup *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (AF_TYPE_TIME_SAVED_GROUP, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect_swapped (settings, "changed::" KEY, G_CALLBACK (sync_from_settings), self);
  sync_from_settings (self);
  return GTK_WIDGET (self);
}

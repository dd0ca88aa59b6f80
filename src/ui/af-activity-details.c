/* af-activity-details.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-activity-details"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-action.h"
#include "af-activity-details.h"
#include "af-activity-text.h"
#include "af-activity-row.h"
#include "af-time.h"

static const char *
member (JsonObject *o,
        const char *name)
{
  const char *v = o ? json_object_get_string_member_with_default (o, name, NULL) : NULL;

  return v != NULL && *v != '\0' ? v : NULL;
}

char *
af_activity_details_dup_web_uri (const char  *kind,
                                 JsonObject  *details,
                                 const char **label)
{
  const char *action = member (details, "action");
  const char *item = member (details, "item");

  if (details == NULL)
    return NULL;

  /* Gmail's web client opens one message by its API id under any label;
   * "#all" keeps working after the message was archived or relabelled
   * (https://bison.jp/cloud/791.html,
   * http://www.tjsg-kokoro.com/2013/10/11/gmailurl/). "u/0" is the
   * browser's first signed-in account. */
  if (item != NULL && (g_strcmp0 (af_action_get_service (action), "gmail") == 0 || member (details, "thread_id") != NULL))
    {
      g_autofree char *escaped = g_uri_escape_string (item, NULL, FALSE);

      *label = _ ("Open in Gmail");
      return g_strconcat ("https://mail.google.com/mail/u/0/#all/", escaped, NULL);
    }
  /* An event's "htmlLink" is its page in Google Calendar
   * (https://developers.google.com/calendar/api/v3/reference/events). */
  if (member (details, "html_link") != NULL && g_str_has_prefix (member (details, "html_link"), "https://"))
    {
      *label = _ ("Open in Calendar");
      return g_strdup (member (details, "html_link"));
    }
  /* Slack's permalink (chat.getPermalink), or the archive address it
   * follows: https://TEAM.slack.com/archives/CHANNEL/pTS without the dot
   * (https://api.slack.com/methods/chat.getPermalink). */
  if (member (details, "permalink") != NULL && g_str_has_prefix (member (details, "permalink"), "https://"))
    {
      *label = _ ("Open in Slack");
      return g_strdup (member (details, "permalink"));
    }
  if (member (details, "team") != NULL && member (details, "channel") != NULL && member (details, "ts") != NULL)
    {
      g_autofree char *ts = g_strdup (member (details, "ts"));
      g_autofree char *team = g_uri_escape_string (member (details, "team"), NULL, FALSE);
      g_autofree char *channel = g_uri_escape_string (member (details, "channel"), NULL, FALSE);
      char            *dot = strchr (ts, '.');

      if (dot != NULL)
        memmove (dot, dot + 1, strlen (dot));
      *label = _ ("Open in Slack");
      return g_strdup_printf ("https://%s.slack.com/archives/%s/p%s", team, channel, ts);
    }
  return NULL;
}

static JsonObject *
parse_details (const char *text)
{
  g_autoptr (JsonNode) node = text ? json_from_string (text, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

static void
add_row (AdwPreferencesGroup *group,
         const char          *title,
         const char          *value)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
}

static char *
what_it_acted_on (JsonObject *details)
{
  const char *subject = member (details, "subject");
  const char *from = member (details, "from");

  if (subject != NULL && from != NULL)
    /* Translators: a mail: its subject, then its sender */
    return g_strdup_printf (_ ("“%s” from %s"), subject, from);
  if (subject != NULL)
    return g_strdup_printf (_ ("“%s”"), subject);
  if (member (details, "event_title") != NULL)
    /* Translators: a calendar event's title */
    return g_strdup_printf (_ ("Event “%s”"), member (details, "event_title"));
  if (member (details, "channel") != NULL)
    /* Translators: a Slack channel */
    return g_strdup_printf (_ ("Slack channel %s"), member (details, "channel"));
  if (member (details, "target") != NULL)
    return g_strdup (member (details, "target"));
  return NULL;
}

static char *
why (JsonObject *details)
{
  const char *rule = member (details, "rule");
  const char *reason = member (details, "reason");

  if (reason != NULL)
    return g_strdup (reason);
  if (rule == NULL)
    rule = member (details, "by");
  if (rule == NULL)
    return NULL;
  if (g_str_equal (rule, "ai") || g_str_equal (rule, "llm"))
    return g_strdup (_ ("The AI model chose it"));
  if (g_str_equal (rule, "rules"))
    return g_strdup (_ ("The agent’s rules"));
  /* Translators: the name of the rule that decided an action */
  return g_strdup_printf (_ ("Rule “%s”"), rule);
}

static char *
outcome_text (const char *kind,
              const char *outcome,
              JsonObject *details)
{
  const char *error = member (details, "error");

  if (error != NULL)
    /* Translators: an outcome, then the error message */
    return g_strdup_printf (_ ("%s: %s"), af_activity_kind_label (kind), error);
  if (g_strcmp0 (outcome, "done") == 0 || g_strcmp0 (outcome, "succeeded") == 0)
    return g_strdup (_ ("Done"));
  if (g_strcmp0 (outcome, "waiting") == 0)
    return g_strdup (_ ("Waiting for your approval"));
  if (g_strcmp0 (outcome, "denied") == 0)
    return g_strdup (_ ("Not allowed for this agent"));
  return g_strdup (af_activity_kind_label (kind));
}

static void
on_launch_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_warning ("Could not open the web page: %s", error->message);
}

static void
launch_uri (GtkWidget  *widget,
            const char *uri)
{
  g_autoptr (GdkAppLaunchContext) context = gdk_display_get_app_launch_context (gtk_widget_get_display (widget));

  /* Through the OpenURI portal inside a sandbox. */
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), NULL, on_launch_done_cb, NULL);
}

static void
on_step_open_clicked_cb (GtkButton *button,
                         gpointer   user_data)
{
  launch_uri (GTK_WIDGET (button), g_object_get_data (G_OBJECT (button), "af-uri"));
}

static void
on_response_cb (AdwMessageDialog *dialog,
                const char       *response,
                gpointer          user_data)
{
  const char *uri = g_object_get_data (G_OBJECT (dialog), "af-uri");

  if (g_strcmp0 (response, "open") == 0 && uri != NULL)
    launch_uri (GTK_WIDGET (dialog), uri);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static char *
format_when (gint64 t)
{
  g_autoptr (GDateTime) dt = NULL;

  if (t <= 0)
    return NULL;
  dt = af_date_time_new_from_unix_local (t);
  /* The locale's own date and time, not the C locale's "%c". */
  return g_date_time_format (dt, "%x %X");
}

static GtkWidget *
steps_group (GPtrArray *steps)
{
  GtkWidget *group = adw_preferences_group_new ();
  guint      shown = 0;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _ ("What It Did"));
  for (guint i = 0; i < steps->len; i++)
    {
      GObject         *step = g_ptr_array_index (steps, i);
      g_autofree char *kind = af_activity_item_dup_string (step, "kind");
      g_autofree char *summary = af_activity_item_dup_string (step, "summary");
      g_autofree char *text = af_activity_item_dup_string (step, "details");
      g_autoptr (JsonObject) details = parse_details (text);
      g_autofree char *on = NULL;
      g_autofree char *uri = NULL;
      const char      *label = NULL;
      GtkWidget       *row;

      /* Actions, not the bookkeeping around them; items left alone are
       * counted in the run's summary, not listed. */
      if (kind == NULL || !(g_str_has_prefix (kind, "action-") || g_str_has_prefix (kind, "approval-")))
        continue;
      /* In the reader's language, from what the step did. */
      {
        g_autofree char *told = af_activity_text_describe (kind, details);

        if (told != NULL)
          {
            g_free (summary);
            summary = g_steal_pointer (&told);
          }
      }

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary ? summary : af_activity_kind_label (kind));
      on = what_it_acted_on (details);
      if (on != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), on);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (af_activity_kind_icon_name (kind)));
      uri = af_activity_details_dup_web_uri (kind, details, &label);
      if (uri != NULL)
        {
          GtkWidget       *button = gtk_button_new_from_icon_name ("adw-external-link-symbolic");
          g_autofree char *name = g_strdup_printf ("%s: %s", label, on ? on : summary);

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (button, label);
          gtk_widget_add_css_class (button, "flat");
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          g_object_set_data_full (G_OBJECT (button), "af-uri", g_steal_pointer (&uri), g_free);
          g_signal_connect (button, "clicked", G_CALLBACK (on_step_open_clicked_cb), NULL);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      shown++;
    }
  if (shown == 0)
    {
      g_object_ref_sink (group);
      g_object_unref (group);
      return NULL;
    }
  return group;
}

GtkWidget *
af_activity_details_new (GtkWindow  *parent,
                         GObject    *item,
                         const char *agent_name,
                         GPtrArray  *steps)
{
  g_autofree char *summary = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *text = NULL;
  g_autofree char *when = NULL;
  g_autofree char *on = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *result = NULL;
  g_autofree char *uri = NULL;
  g_autoptr (JsonObject) details = NULL;
  const char          *label = NULL;
  GtkWidget           *dialog;
  GtkWidget           *box;
  AdwPreferencesGroup *group;

  g_return_val_if_fail (G_IS_OBJECT (item), NULL);

  summary = af_activity_item_dup_string (item, "summary");
  kind = af_activity_item_dup_string (item, "kind");
  outcome = af_activity_item_dup_string (item, "outcome");
  text = af_activity_item_dup_string (item, "details");
  details = parse_details (text);
  {
    g_autofree char *told = af_activity_text_describe (kind, details);

    if (told != NULL)
      {
        g_free (summary);
        summary = g_steal_pointer (&told);
      }
  }
  when = format_when (af_activity_item_get_time (item));
  on = what_it_acted_on (details);
  reason = why (details);
  result = outcome_text (kind, outcome, details);

  dialog = adw_message_dialog_new (parent, summary ? summary : _ ("Activity"), NULL);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  add_row (group, _ ("Agent"), agent_name);
  add_row (group, _ ("On"), on);
  add_row (group, _ ("When"), when);
  add_row (group, _ ("Why"), reason);
  add_row (group, _ ("Outcome"), result);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (group));

  if (steps != NULL && steps->len > 0)
    {
      GtkWidget *list = steps_group (steps);

      if (list != NULL)
        {
          GtkWidget *scroller = gtk_scrolled_window_new ();

          gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
          gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
          gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 320);
          gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
          gtk_box_append (GTK_BOX (box), scroller);
        }
    }

  /* The raw record, for bug reports: out of the way. */
  if (text != NULL)
    {
      g_autoptr (JsonNode) node = json_from_string (text, NULL);
      g_autofree char *pretty = node ? json_to_string (node, TRUE) : g_strdup (text);
      GtkWidget       *expander = gtk_expander_new_with_mnemonic (_ ("_Technical Details"));
      GtkWidget       *raw = gtk_label_new (pretty);

      gtk_label_set_selectable (GTK_LABEL (raw), TRUE);
      gtk_label_set_wrap (GTK_LABEL (raw), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (raw), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (raw), 0);
      gtk_widget_add_css_class (raw, "monospace");
      gtk_widget_add_css_class (raw, "caption");
      gtk_expander_set_child (GTK_EXPANDER (expander), raw);
      gtk_box_append (GTK_BOX (box), expander);
    }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  uri = af_activity_details_dup_web_uri (kind, details, &label);
  if (uri != NULL)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "open", label);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_SUGGESTED);
      g_object_set_data_full (G_OBJECT (dialog), "af-uri", g_steal_pointer (&uri), g_free);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect (dialog, "response", G_CALLBACK (on_response_cb), NULL);

  return dialog;
}

/* af-approval-item-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-approval-item-row"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-a11y.h"
#include "af-action.h"
#include "af-activity-row.h"
#include "af-approval-item-row.h"

/* One pending action in the approvals page, in words, with Deny and
 * Approve named for what they decide; a message to send or post shows its
 * text, editable. */

static char *
item_summary (GObject *item)
{
  char *summary = af_activity_item_dup_string (item, "summary");

  if (summary == NULL)
    {
      g_autofree char *action = af_activity_item_dup_string (item, "action");
      g_autofree char *target = af_activity_item_dup_string (item, "target");

      /* Translators: an action an agent wants to take, then on what */
      summary = g_strdup_printf (_ ("%s: %s"), action ? action : _ ("Action"), target ? target : "");
    }
  return summary;
}

static GtkWidget *
decision_button (const char *mnemonic,
                 const char *summary,
                 GObject    *item,
                 gboolean    approve,
                 GCallback   callback,
                 gpointer    user_data)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);
  /* Translators: %s is an action (“Label “Invoice 2041” as Finance”) */
  g_autofree char *a11y = approve ? g_strdup_printf (_ ("Approve: %s"), summary)
                                  : /* Translators: %s is an action */ g_strdup_printf (_ ("Deny: %s"), summary);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  af_a11y_set_label (button, a11y);
  gtk_widget_set_tooltip_text (button, a11y);
  g_object_set_data_full (G_OBJECT (button), "item", g_object_ref (item), g_object_unref);
  g_object_set_data (G_OBJECT (button), "approve", GINT_TO_POINTER (approve));
  g_signal_connect (button, "clicked", callback, user_data);
  return button;
}

/**
 * af_approval_item_row_new:
 * @item: a pending approval (read through its "summary", "reason",
 *   "preview", "editable-text", "consequence" and "action" properties)
 * @on_decide: the "clicked" handler of its Deny and Approve buttons, which
 *   carry "item", "approve" and (for an edited message) "text-view"
 *
 * Returns: (transfer floating): the row for @item
 */
GtkWidget *
af_approval_item_row_new (GObject  *item,
                          GCallback on_decide,
                          gpointer  user_data)
{
  g_autofree char *summary = item_summary (item);
  g_autofree char *reason = af_activity_item_dup_string (item, "reason");
  g_autofree char *editable = af_activity_item_dup_string (item, "editable-text");
  g_autofree char *preview = af_activity_item_dup_string (item, "preview");
  g_autofree char *consequence = af_activity_item_dup_string (item, "consequence");
  g_autofree char *action = af_activity_item_dup_string (item, "action");
  GtkWidget       *deny = decision_button (_ ("_Deny"), summary, item, FALSE,
                                           on_decide, user_data);
  GtkWidget       *approve = decision_button (_ ("_Approve"), summary, item, TRUE,
                                              on_decide, user_data);
  GtkWidget       *row;

  if (editable == NULL && (preview == NULL || *preview == '\0'))
    {
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
      if (reason != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reason);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), deny);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), approve);
    }
  else
    {
      /* A message: its text is shown, and for a send or post can be
       * edited before it is approved. Plain text, never markup. */
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *title = gtk_label_new (summary);
      GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_margin_top (box, 12);
      gtk_widget_set_margin_bottom (box, 12);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_wrap (GTK_LABEL (title), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (title, "heading");
      gtk_box_append (GTK_BOX (box), title);
      if (reason != NULL)
        {
          GtkWidget *why = gtk_label_new (reason);

          gtk_label_set_xalign (GTK_LABEL (why), 0);
          gtk_label_set_wrap (GTK_LABEL (why), TRUE);
          gtk_widget_add_css_class (why, "dim-label");
          gtk_box_append (GTK_BOX (box), why);
        }
      if (editable != NULL)
        {
          GtkWidget       *view = gtk_text_view_new ();
          g_autofree char *a11y = g_strdup_printf (_ ("Text of: %s"), summary);

          gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), editable, -1);
          gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
          gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
          gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
          gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
          gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 10);
          gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 10);
          gtk_widget_set_size_request (view, -1, 64);
          af_a11y_set_label (view, a11y);
          gtk_widget_set_tooltip_text (view, _ ("You can change the text before you approve it"));
          /* A frame: it looks like the field it is. */
          {
            GtkWidget *frame = gtk_frame_new (NULL);

            gtk_frame_set_child (GTK_FRAME (frame), view);
            gtk_box_append (GTK_BOX (box), frame);
          }
          g_object_set_data (G_OBJECT (approve), "text-view", view);
        }
      else
        {
          GtkWidget *text = gtk_label_new (preview);

          gtk_label_set_use_markup (GTK_LABEL (text), FALSE);
          gtk_label_set_xalign (GTK_LABEL (text), 0);
          gtk_label_set_wrap (GTK_LABEL (text), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
          gtk_label_set_lines (GTK_LABEL (text), 6);
          gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
          gtk_widget_add_css_class (text, "af-preview");
          gtk_box_append (GTK_BOX (box), text);
        }
      if (consequence == NULL)
        consequence = g_strdup (af_action_get_consequence (action));
      if (consequence != NULL)
        {
          GtkWidget *after = gtk_label_new (consequence);

          gtk_label_set_xalign (GTK_LABEL (after), 0);
          gtk_label_set_wrap (GTK_LABEL (after), TRUE);
          gtk_widget_add_css_class (after, "caption");
          gtk_widget_add_css_class (after, "dim-label");
          gtk_box_append (GTK_BOX (box), after);
        }
      /* A message is weighed one by one: its Approve stands out. Label
       * changes come by the dozen; the group's Approve All does. */
      gtk_widget_add_css_class (approve, "suggested-action");
      gtk_widget_set_halign (buttons, GTK_ALIGN_END);
      gtk_box_append (GTK_BOX (buttons), deny);
      gtk_box_append (GTK_BOX (buttons), approve);
      gtk_box_append (GTK_BOX (box), buttons);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
    }
  af_a11y_set_label (row, summary);
  return row;
}

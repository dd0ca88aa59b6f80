/* test-activity-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The feed tells an action in the reader's language from the row's data,
 * and a row written before activity kept its data shows its stored line.
 */

#include "config.h"

#include <adwaita.h>

#include "af-action-text.h"
#include "af-activity-entry.h"
#include "af-activity-row.h"
#include "af-activity-text.h"
#include "af-test-ui.h"

static void
test_told_when_shown (void)
{
  g_autoptr (JsonNode) params = json_from_string ("{\"label\": \"Finance\"}", NULL);
  g_autoptr (JsonNode) item = json_from_string ("{\"id\": \"m2\", \"subject\": \"Invoice 2041\"}", NULL);
  g_autoptr (JsonObject) details = json_object_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = af_action_describe ("label", json_node_get_object (params),
                                                  json_node_get_object (item), TRUE);
  g_autoptr (AfActivityEntry) entry = NULL;
  g_autoptr (AfActivityEntry) old = NULL;
  GtkWidget *row = g_object_ref_sink (af_activity_row_new ());

  af_activity_text_add_action (details, AF_ACTIVITY_SAY_DONE, "label", json_node_get_object (params),
                               json_node_get_object (item), FALSE);
  node = json_node_init_object (json_node_alloc (), details);
  text = json_to_string (node, FALSE);
  /* Stored in another language, or in words a later version changed. */
  entry = af_activity_entry_new (1, 1000, "a", 1, "action-done", "Étiqueté « Invoice 2041 » comme Finance", text,
                                 "done");
  af_activity_row_bind (AF_ACTIVITY_ROW (row), G_OBJECT (entry));
  g_assert_cmpstr (af_activity_row_get_summary (AF_ACTIVITY_ROW (row)), ==, expected);
  af_activity_row_unbind (AF_ACTIVITY_ROW (row));

  old = af_activity_entry_new (2, 1000, "a", 1, "action-done", "Labelled “Invoice 2041” as Finance",
                               "{\"action\": \"label\", \"key\": \"a:m2:label\"}", "done");
  af_activity_row_bind (AF_ACTIVITY_ROW (row), G_OBJECT (old));
  g_assert_cmpstr (af_activity_row_get_summary (AF_ACTIVITY_ROW (row)), ==, "Labelled “Invoice 2041” as Finance");
  af_activity_row_unbind (AF_ACTIVITY_ROW (row));
  g_object_unref (row);
}

int
main (int   argc,
      char *argv[])
{
  if (!af_test_ui_init (&argc, &argv))
    return 0;

  g_test_add_func ("/activity-row/told-when-shown", test_told_when_shown);

  return g_test_run ();
}

/* fuzz-gmail-sync.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Gmail answers the mail sync and the actions read, besides the
 * Message resource itself: users.history.list pages, users.messages.list
 * pages, users.getProfile, the search for an earlier send or draft by
 * Message-ID (messages.list, drafts.list), drafts.create, labels.create,
 * messages.get and .send. Every answer goes to every reader, and to the
 * scan for a history page's next token.
 */

#include "config.h"

#include <string.h>

#include "af-fuzz.h"
#include "af-gmail-client.h"
#include "af-gmail-client-private.h"

typedef gpointer (*ParseFunc) (JsonNode *root,
                               GError  **error);

static const struct
{
  ParseFunc      parse;
  GDestroyNotify free_func;
} readers[] = {
  { af_gmail_parse_profile, g_free },
  { af_gmail_parse_first_message, g_free },
  { af_gmail_parse_first_draft, g_free },
  { af_gmail_parse_draft, g_free },
  { af_gmail_parse_label, (GDestroyNotify)af_gmail_label_free },
  { af_gmail_parse_labels, (GDestroyNotify)g_ptr_array_unref },
  { af_gmail_parse_message, (GDestroyNotify)af_gmail_message_free },
  { af_gmail_parse_list, af_gmail_list_page_free },
};

/* A page is read from its text's index (af-json-scan.c): what that index
 * takes, JsonParser reads too (@root), and as one object. */
static void
check_history (const uint8_t *data,
               size_t         size,
               JsonNode      *root)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *history_id = NULL;
  g_autofree char *next = NULL;
  gboolean         ok = af_gmail_parse_history ((const char *)data, size, ids, &history_id, &next, &error);

  g_assert (ok == (error == NULL));
  if (ok)
    g_assert (root != NULL && JSON_NODE_HOLDS_OBJECT (root));
  /* Each id is fetched and deduplicated: none may be NULL. */
  for (guint i = 0; i < ids->len; i++)
    g_assert (ids->pdata[i] != NULL && g_utf8_validate (ids->pdata[i], -1, NULL));
  if (!ok)
    g_assert (ids->len == 0 && history_id == NULL && next == NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (JsonNode) root = NULL;

  af_fuzz_init ();

  /* The next page's token, found before the page is parsed: on any text,
   * JSON or not, a plain string value or nothing. */
  {
    g_autofree char *token = af_gmail_json_top_string ((const char *)data, size, "nextPageToken");

    g_assert (token == NULL || (strchr (token, '"') == NULL && strchr (token, '\\') == NULL));
  }

  root = af_fuzz_parse_json (data, size);
  check_history (data, size, root);
  if (root == NULL)
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      g_autoptr (GError) error = NULL;
      gpointer value = readers[i].parse (root, &error);

      g_assert ((value == NULL) == (error != NULL));
      if (value == NULL)
        continue;

      if (readers[i].parse == af_gmail_parse_list)
        {
          AfGmailListPage *page = value;

          for (guint j = 0; j < page->ids->len; j++)
            g_assert (page->ids->pdata[j] != NULL);
        }
      else if (readers[i].parse == af_gmail_parse_message)
        g_assert (((AfGmailMessage *)value)->label_ids != NULL);
      else if (readers[i].parse == af_gmail_parse_labels)
        {
          GPtrArray *labels = value;

          /* Labels are looked up by name and applied by id. */
          for (guint j = 0; j < labels->len; j++)
            {
              AfGmailLabel *label = labels->pdata[j];

              g_assert (label->id != NULL && label->name != NULL);
            }
        }

      readers[i].free_func (value);
    }

  return 0;
}

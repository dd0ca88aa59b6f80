/* test-approvals.c — the approvals page against a real engine and the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "af-approval-queue.h"
#include "af-approvals-page.h"
#include "af-engine.h"
#include "af-outbox.h"
#include "af-sandbox.h"
#include "af-services-executor.h"
#include "af-static-token-source.h"
#include "af-test-engine.h"
#include "af-test-ui.h"

/* The page in a window, bound to an engine whose executor talks to the
 * in-process sandbox (the local Gmail simulation) over HTTP. */
typedef struct
{
  char               *dir;
  AfSandbox          *sandbox;
  AfHttpClient       *http;
  AfServicesExecutor *executor;
  AfDatabase         *db;
  AfEngine           *engine;
  GtkWindow          *window;
  AfApprovalsPage    *page;
} Fixture;

static char *
resolve_agent_cb (const char *agent_id,
                  gpointer    user_data)
{
  Fixture *f = user_data;
  AfAgent *agent = af_engine_lookup_agent (f->engine, agent_id);

  return agent ? g_strdup (af_agent_get_name (agent)) : NULL;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *google = NULL, *slack_token = NULL, *llm_token = NULL, *path = NULL;
  g_autofree char *calendar_base = NULL, *slack_base = NULL;
  g_autoptr (AfTokenSource) google_tokens = NULL;
  g_autoptr (AfTokenSource) slack_tokens = NULL;
  g_autoptr (AfGmailClient) gmail = NULL;
  g_autoptr (AfCalendarClient) calendar = NULL;
  g_autoptr (AfSlackClient) slack = NULL;

  f->sandbox = af_sandbox_new ();
  af_sandbox_add_default_tokens (f->sandbox, &google, &slack_token, &llm_token);
  g_assert_true (af_sandbox_start (f->sandbox, &error));
  g_assert_no_error (error);

  f->http = af_http_client_new ();
  google_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (google));
  slack_tokens = AF_TOKEN_SOURCE (af_static_token_source_new (slack_token));
  calendar_base = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/calendar/v3", NULL);
  slack_base = g_strconcat (af_sandbox_get_base_url (f->sandbox), "/api", NULL);
  gmail = af_gmail_client_new (f->http, google_tokens, af_sandbox_get_base_url (f->sandbox));
  calendar = af_calendar_client_new (f->http, google_tokens, calendar_base);
  slack = af_slack_client_new (f->http, slack_tokens, slack_base);
  f->executor = af_services_executor_new (gmail, calendar, slack);

  f->dir = g_dir_make_tmp ("af-approvals-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "agentflow.db", NULL);
  f->db = af_database_open (path, &error);
  g_assert_no_error (error);
  f->engine = af_engine_new (f->db, AF_EXECUTOR (f->executor));
  af_engine_set_network_monitor (f->engine, NULL);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 860, 720);
  f->page = g_object_new (AF_TYPE_APPROVALS_PAGE, NULL);
  gtk_window_set_child (f->window, GTK_WIDGET (f->page));
  af_approvals_page_set_agent_resolver (f->page, resolve_agent_cb, f);
  af_approvals_page_set_model (f->page, af_engine_get_approvals (f->engine));
  af_approvals_page_set_queue (f->page, af_engine_get_approval_queue (f->engine));
  gtk_window_present (f->window);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  gtk_window_destroy (f->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->engine);
  g_clear_object (&f->db);
  g_clear_object (&f->executor);
  g_clear_object (&f->http);
  g_clear_object (&f->sandbox);
  af_test_remove_dir (f->dir);
  g_free (f->dir);
}

/* A custom agent with one rule on the subject and "ask first" for its action. */
static AfAgent *
add_agent (Fixture    *f,
           const char *name,
           const char *permissions,
           const char *subject,
           const char *action,
           const char *params)
{
  g_autoptr (JsonArray) connections = af_test_connections ("google", AF_SANDBOX_ACCOUNT, permissions);
  g_autoptr (AfAgent) agent = af_template_create_agent (af_template_lookup ("custom"), NULL, connections);
  g_autofree char *rules = g_strdup_printf ("[{\"name\":\"%s\",\"conditions\":[{\"field\":\"subject\","
                                            "\"op\":\"contains\",\"value\":\"%s\"}],\"actions\":"
                                            "[{\"action\":\"%s\",\"params\":%s}]}]",
                                            g_str_equal (action, "send") ? "Lunch replies" : "Newsletters", subject,
                                            action, params);
  g_autofree char *approvals = g_strdup_printf ("{\"%s\":\"ask\"}", action);
  g_autoptr (GError) error = NULL;

  af_agent_set_name (agent, name);
  json_object_set_member (af_agent_get_definition (agent), "rules", json_from_string (rules, NULL));
  json_object_set_member (af_agent_get_definition (agent), "approvals", json_from_string (approvals, NULL));
  /* The mail is there before the first run: look back over it. */
  json_object_set_int_member (af_agent_get_definition (agent), "first_run_days", 30);
  g_assert_true (af_engine_add_agent (f->engine, agent, &error));
  g_assert_no_error (error);
  return agent;
}

static void
run_agent (Fixture *f,
           AfAgent *agent)
{
  AfTestRun w = { 0 };

  af_engine_run_agent_async (f->engine, af_agent_get_id (agent), AF_RUN_FLAGS_NONE, NULL, af_test_run_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.error);
  g_clear_pointer (&w.result, json_object_unref);
}

static void
deliver_newsletters (Fixture *f,
                     guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("GNOME Weekly #%u", 354 + i);

      g_free (af_sandbox_gmail_deliver (f->sandbox, "GNOME Weekly <weekly@gnome.example>", subject, "This week…"));
    }
}

/* Waits fail after this long: far more than any step takes, even in a
 * sanitizer build with full stacks on every allocation. */
#define WAIT_MS 60000

/* The bound on showing 1,000 approvals, by build: a sanitizer build runs
 * the same code many times slower. */
#if defined(__SANITIZE_ADDRESS__)
#define SHOW_1000_BOUND_US (40 * G_USEC_PER_SEC)
#else
#define SHOW_1000_BOUND_US (2 * G_USEC_PER_SEC)
#endif

typedef struct
{
  GtkWidget  *root;
  GType       type;
  const char *label;
} Find;

static gboolean
found_cond (gpointer data)
{
  Find *find = data;

  return af_test_ui_find_widget (find->root, find->type, find->label) != NULL;
}

/* af_test_ui_wait_for_widget() with this file's patience. */
static GtkWidget *
wait_for_widget (GtkWidget  *root,
                 GType       type,
                 const char *label)
{
  Find find = { root, type, label };

  af_test_ui_wait_until (found_cond, &find, WAIT_MS);
  return af_test_ui_find_widget (root, type, label);
}

typedef struct
{
  Fixture    *f;
  const char *label;
  guint       n;
} LabelCount;

static guint
n_pending (Fixture *f)
{
  return g_list_model_get_n_items (af_engine_get_approvals (f->engine));
}

static gboolean
no_pending_cond (gpointer data)
{
  return n_pending (data) == 0;
}

static gboolean
label_count_cond (gpointer data)
{
  LabelCount *c = data;
  const char *id = af_sandbox_gmail_find_label (c->f->sandbox, c->label);

  return id != NULL && af_sandbox_gmail_count_with_label (c->f->sandbox, id) == c->n;
}

static guint
n_outbox (Fixture      *f,
          const char   *action,
          AfOutboxState state)
{
  g_autoptr (AfOutbox) outbox = af_outbox_new (f->db);
  g_autoptr (GPtrArray) entries = af_outbox_list (outbox, state, NULL);
  guint n = 0;

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    if (g_str_equal (((AfOutboxEntry *)g_ptr_array_index (entries, i))->action, action))
      n++;
  return n;
}

typedef struct
{
  Fixture      *f;
  const char   *action;
  AfOutboxState state;
  guint         n;
} OutboxCount;

static gboolean
outbox_count_cond (gpointer data)
{
  OutboxCount *c = data;

  return n_outbox (c->f, c->action, c->state) == c->n;
}

/* The one group row of the page (an AdwExpanderRow). */
static GtkWidget *
group_row (Fixture *f)
{
  return wait_for_widget (GTK_WIDGET (f->page), ADW_TYPE_EXPANDER_ROW, NULL);
}

static gboolean
mapped_cond (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* A click: a button acts once it is on screen (a row just opened is
 * still being revealed). */
static void
on_clicked_cb (GtkButton *button,
               gpointer   user_data)
{
  *(gboolean *)user_data = TRUE;
}

static gboolean
flag_cond (gpointer data)
{
  return *(gboolean *)data;
}

static void
click (GtkWidget *button)
{
  g_autoptr (GtkWidget) held = g_object_ref (button); /* a decision may take its row away */
  gboolean clicked = FALSE;
  gulong   id;

  af_test_ui_wait_until (mapped_cond, button, WAIT_MS);
  /* GtkButton's activation ends with "clicked" a moment later. */
  id = g_signal_connect_after (button, "clicked", G_CALLBACK (on_clicked_cb), &clicked);
  gtk_widget_activate (button);
  af_test_ui_wait_until (flag_cond, &clicked, WAIT_MS);
  g_signal_handler_disconnect (button, id);
}

static guint
count_widgets (GtkWidget *root,
               GType      type)
{
  guint n = g_type_is_a (G_OBJECT_TYPE (root), type) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child, type);
  return n;
}

static gboolean
groups_shown_cond (gpointer data)
{
  Fixture *f = data;

  return af_test_ui_find_widget (GTK_WIDGET (f->page), ADW_TYPE_EXPANDER_ROW, NULL) != NULL;
}

typedef struct
{
  Fixture *f;
  guint    n;
} GroupCount;

static gboolean
group_of_n_cond (gpointer data)
{
  GroupCount      *c = data;
  GtkWidget       *row = af_test_ui_find_widget (GTK_WIDGET (c->f->page), ADW_TYPE_EXPANDER_ROW, NULL);
  g_autofree char *prefix = g_strdup_printf ("%u actions:", c->n);

  return row != NULL && gtk_widget_get_mapped (row) &&
         g_str_has_prefix (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), prefix);
}

/* 44 "label" approvals: one group, in words, approved with one click,
 * then undone, each change made and unmade once in the sandbox. */
static void
test_group_of_44 (Fixture      *f,
                  gconstpointer data)
{
  AfAgent   *agent = add_agent (f, "Email Assistant", "gmail.read gmail.modify", "GNOME Weekly", "label",
                                "{\"label\":\"Newsletters\"}");
  GtkWidget *expander;
  GtkWidget *approve_all;
  GtkWidget *item;
  LabelCount labelled = { f, "Newsletters", 44 };
  LabelCount unlabelled = { f, "Newsletters", 0 };
  GroupCount of_44 = { f, 44 };
  guint      modifies;

  deliver_newsletters (f, 44);
  run_agent (f, agent);
  g_assert_cmpuint (n_pending (f), ==, 44);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify"), ==, 0);

  /* One group for the agent's run, with a count in words. */
  af_test_ui_wait_until (groups_shown_cond, f, WAIT_MS);
  af_test_ui_wait_until (group_of_n_cond, &of_44, WAIT_MS);
  g_assert_cmpuint (count_widgets (GTK_WIDGET (f->page), ADW_TYPE_EXPANDER_ROW), ==, 1);
  expander = group_row (f);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (expander)), ==, "Email Assistant");
  g_assert_true (g_str_has_prefix (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (expander)),
                                   "44 actions: label 44 messages"));

  /* Each item in words, once the group is opened. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  item = wait_for_widget (GTK_WIDGET (f->page), ADW_TYPE_ACTION_ROW, "Label “GNOME Weekly #397” as Newsletters");
  g_assert_nonnull (item);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), FALSE);
  g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (f->window), "approvals-group-of-44"), >, 1.0);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (f->window), "approvals-group-of-44-open"), >, 1.0);

  /* One click approves them all; one batchModify carries them out. */
  approve_all = af_test_ui_find_widget (expander, GTK_TYPE_BUTTON, "Approve A_ll");
  g_assert_nonnull (approve_all);
  click (approve_all);
  af_test_ui_wait_until (label_count_cond, &labelled, WAIT_MS);
  af_test_ui_wait_until (no_pending_cond, f, WAIT_MS);
  {
    OutboxCount done = { f, "label", AF_OUTBOX_DONE, 44 };

    af_test_ui_wait_until (outbox_count_cond, &done, WAIT_MS);
  }
  modifies = af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify");
  g_assert_cmpuint (modifies, ==, 1);
  g_assert_cmpuint (af_activity_log_count (af_engine_get_activity_log (f->engine), af_agent_get_id (agent),
                                           "action-done"),
                    ==, 44);

  /* Undo takes the label off again, through the sandbox. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "approvals.undo", NULL));
  af_test_ui_wait_until (label_count_cond, &unlabelled, WAIT_MS);
  {
    OutboxCount undone = { f, "unlabel", AF_OUTBOX_DONE, 44 };

    af_test_ui_wait_until (outbox_count_cond, &undone, WAIT_MS);
  }
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify"), ==, modifies + 1);
}

/* "Always allow" changes the agent's policy and approves what waits; its
 * undo restores the policy. */
static void
test_always_allow (Fixture      *f,
                   gconstpointer data)
{
  AfAgent   *agent = add_agent (f, "Email Assistant", "gmail.read gmail.modify", "GNOME Weekly", "label",
                                "{\"label\":\"Newsletters\"}");
  GtkWidget *expander;
  GtkWidget *always;
  LabelCount labelled = { f, "Newsletters", 5 };

  deliver_newsletters (f, 5);
  run_agent (f, agent);
  g_assert_cmpuint (n_pending (f), ==, 5);
  g_assert_cmpint (af_agent_get_approval_policy (agent, "label", FALSE), ==, AF_APPROVAL_POLICY_ASK);

  expander = group_row (f);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  always = wait_for_widget (expander, GTK_TYPE_BUTTON, "Always A_llow");
  click (always);
  g_assert_cmpint (af_agent_get_approval_policy (agent, "label", FALSE), ==, AF_APPROVAL_POLICY_AUTO);
  af_test_ui_wait_until (label_count_cond, &labelled, WAIT_MS);
  af_test_ui_wait_until (no_pending_cond, f, WAIT_MS);

  /* Saved: a fresh read of the agent says the same. */
  {
    g_autoptr (AfEngine) again = af_engine_new (f->db, AF_EXECUTOR (f->executor));
    AfAgent *stored = af_engine_lookup_agent (again, af_agent_get_id (agent));

    g_assert_cmpint (af_agent_get_approval_policy (stored, "label", FALSE), ==, AF_APPROVAL_POLICY_AUTO);
  }

  /* The toast's Undo: the agent asks first again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "approvals.undo", NULL));
  g_assert_cmpint (af_agent_get_approval_policy (agent, "label", FALSE), ==, AF_APPROVAL_POLICY_ASK);
  deliver_newsletters (f, 1);
  run_agent (f, agent);
  g_assert_cmpuint (n_pending (f), ==, 1);
}

static gboolean
sent_cond (gpointer data)
{
  Fixture *f = data;

  return af_sandbox_gmail_get_n_sent (f->sandbox) > 0;
}

static gboolean
text_laid_out_cond (gpointer data)
{
  return gtk_widget_get_height (data) > 12;
}

/* A reply edited before it is approved goes out as edited. */
static void
test_edit_send (Fixture      *f,
                gconstpointer data)
{
  AfAgent         *agent = add_agent (f, "Email Assistant", "gmail.read gmail.send", "Lunch", "send",
                                      "{\"body\":\"Yes, Friday works.\"}");
  GtkWidget       *view;
  GtkWidget       *approve;
  g_autofree char *mime = NULL;

  g_free (af_sandbox_gmail_deliver (f->sandbox, "Dana Wu <dana@example.com>", "Lunch on Friday?", "Does Friday work?"));
  run_agent (f, agent);
  g_assert_cmpuint (n_pending (f), ==, 1);
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->sandbox), ==, 0);

  /* One item: its group is open, the reply in words, its text editable. */
  approve = wait_for_widget (GTK_WIDGET (f->page), GTK_TYPE_BUTTON, "_Approve");
  g_assert_nonnull (af_test_ui_find_widget (GTK_WIDGET (f->page), GTK_TYPE_LABEL, "Send a reply to Dana Wu"));
  view = af_test_ui_find_widget (GTK_WIDGET (f->page), GTK_TYPE_TEXT_VIEW, NULL);
  g_assert_nonnull (view);
  g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (view)));
  /* The text view lays its text out when idle: shown once it has. */
  af_test_ui_wait_until (text_laid_out_cond, view, WAIT_MS);
  g_assert_cmpfloat (af_test_ui_save_and_measure (GTK_WIDGET (f->window), "approvals-edit-send"), >, 1.0);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "Friday is fine, see you at noon.", -1);
  click (approve);

  af_test_ui_wait_until (sent_cond, f, WAIT_MS);
  af_test_ui_wait_until (no_pending_cond, f, WAIT_MS);
  g_assert_cmpuint (af_sandbox_gmail_get_n_sent (f->sandbox), ==, 1);
  mime = af_sandbox_gmail_get_sent_mime (f->sandbox, 0);
  /* The body is base64 (Content-Transfer-Encoding), after the headers. */
  g_assert_nonnull (strstr (mime, "Content-Transfer-Encoding: base64"));
  {
    const char        *body = strstr (mime, "\r\n\r\n") ? strstr (mime, "\r\n\r\n") + 4 : strstr (mime, "\n\n") + 2;
    gsize              len = 0;
    g_autofree char   *b64 = g_strstrip (g_strdup (body));
    g_autofree guchar *text = g_base64_decode (b64, &len);
    g_autofree char   *sent = g_strndup ((const char *)text, len);

    g_assert_cmpstr (sent, ==, "Friday is fine, see you at noon.");
  }
}

/* 1,000 pending approvals: shown grouped quickly, approved all at once in
 * one batch, each done exactly once. */
static void
test_thousand (Fixture      *f,
               gconstpointer data)
{
  AfAgent   *agent = add_agent (f, "Email Assistant", "gmail.read gmail.modify", "GNOME Weekly", "label",
                                "{\"label\":\"Newsletters\"}");
  GroupCount shown = { f, 1000 };
  LabelCount labelled = { f, "Newsletters", 1000 };
  g_autoptr (GtkWidget) approve_all = NULL;
  gint64 start, elapsed;

  /* A first run sets the agent's place in the mailbox; the 1,000 come
   * after it, as new mail does. */
  run_agent (f, agent);
  deliver_newsletters (f, 1000);
  for (guint runs = 0; n_pending (f) < 1000 && runs < 100; runs++)
    run_agent (f, agent);
  g_assert_cmpuint (n_pending (f), ==, 1000);

  /* The page takes them in anew (as when the window opens). */
  af_approvals_page_set_model (f->page, NULL);
  af_test_ui_wait_for_paint (GTK_WIDGET (f->window));
  start = g_get_monotonic_time ();
  af_approvals_page_set_model (f->page, af_engine_get_approvals (f->engine));
  af_test_ui_wait_until (group_of_n_cond, &shown, WAIT_MS);
  af_test_ui_wait_for_paint (GTK_WIDGET (f->window));
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("1,000 approvals grouped and painted in %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_cmpint (elapsed, <, SHOW_1000_BOUND_US);

  /* Opened, it makes a page of rows, not 1,000. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (group_row (f)), TRUE);
  af_test_ui_wait_for_paint (GTK_WIDGET (f->window));
  g_assert_cmpuint (count_widgets (GTK_WIDGET (f->page), ADW_TYPE_ACTION_ROW), <=, 60);

  /* Approve All, clicked twice: still each exactly once. */
  approve_all = g_object_ref (af_test_ui_find_widget (group_row (f), GTK_TYPE_BUTTON, "Approve A_ll"));
  start = g_get_monotonic_time ();
  click (approve_all);
  /* Clicked again before the page changes: nothing is done twice. */
  if (gtk_widget_get_mapped (approve_all))
    click (approve_all);
  af_test_ui_wait_until (no_pending_cond, f, WAIT_MS);
  af_test_ui_wait_until (label_count_cond, &labelled, WAIT_MS);
  {
    OutboxCount done = { f, "label", AF_OUTBOX_DONE, 1000 };

    af_test_ui_wait_until (outbox_count_cond, &done, WAIT_MS);
  }
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("1,000 approvals carried out in %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_cmpuint (af_sandbox_get_count (f->sandbox, "gmail.users.messages.batchModify"), ==, 1);
  g_assert_cmpuint (af_activity_log_count (af_engine_get_activity_log (f->engine), af_agent_get_id (agent),
                                           "action-done"),
                    ==, 1000);
  g_assert_cmpuint (n_outbox (f, "label", AF_OUTBOX_EXECUTING), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* No GL driver: Mesa's EGL start-up leaks where no GPU is (see
   * ENVIRONMENT.md), and these tests draw with cairo. */
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
  if (!af_test_ui_init (&argc, &argv))
    return 0;
  /* Screenshots of the end state, not of a row half revealed. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add ("/approvals/group-of-44", Fixture, NULL, fixture_setup, test_group_of_44, fixture_teardown);
  g_test_add ("/approvals/always-allow", Fixture, NULL, fixture_setup, test_always_allow, fixture_teardown);
  g_test_add ("/approvals/edit-send", Fixture, NULL, fixture_setup, test_edit_send, fixture_teardown);
  g_test_add ("/approvals/thousand", Fixture, NULL, fixture_setup, test_thousand, fixture_teardown);

  return g_test_run ();
}

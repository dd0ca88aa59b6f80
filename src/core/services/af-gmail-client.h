/* af-gmail-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "af-gmail-message.h"
#include "af-http-client.h"
#include "af-mail-text.h"
#include "af-mime-writer.h"

G_BEGIN_DECLS

#define AF_GMAIL_DEFAULT_BASE_URL "https://gmail.googleapis.com"

#define AF_TYPE_GMAIL_CLIENT (af_gmail_client_get_type ())

G_DECLARE_FINAL_TYPE (AfGmailClient, af_gmail_client, AF, GMAIL_CLIENT, GObject)

AfGmailClient *af_gmail_client_new (AfHttpClient  *http,
                                    AfTokenSource *tokens,
                                    const char    *base_url);

/* users.getProfile → the current historyId (transfer full). */
void  af_gmail_client_get_history_id_async (AfGmailClient      *self,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
char *af_gmail_client_get_history_id_finish (AfGmailClient *self,
                                             GAsyncResult  *result,
                                             GError       **error);

/* messages.list, one page (≤ 500) → (element-type utf8) ids. */
void       af_gmail_client_list_messages_async (AfGmailClient      *self,
                                                const char         *query,
                                                const char         *page_token,
                                                guint               max_results,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
GPtrArray *af_gmail_client_list_messages_finish (AfGmailClient *self,
                                                 GAsyncResult  *result,
                                                 char         **next_page_token,
                                                 GError       **error);

/* Told the ids a sync found, page after page. */
typedef void (*AfGmailIdsFunc) (const char *const *ids,
                                guint              n_ids,
                                gpointer           user_data);

/* Incremental sync: history.list from @start_history_id; with no cursor,
 * or when history.list answers 404, a full listing bounded by @max_full
 * (0: no bound). */
void               af_gmail_client_sync_async (AfGmailClient      *self,
                                               const char         *start_history_id,
                                               guint               max_full,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
void               af_gmail_client_sync_since_async (AfGmailClient      *self,
                                                     const char         *start_history_id,
                                                     gint64              after,
                                                     const char *const  *skip_labels,
                                                     AfGmailIdsFunc      listed,
                                                     gpointer            listed_data,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
AfGmailSyncResult *af_gmail_client_sync_finish (AfGmailClient *self,
                                                GAsyncResult  *result,
                                                GError       **error);

/* format=metadata for many ids through /batch/gmail/v1 (≤ 100 per batch);
 * ids that no longer exist are left out. → (element-type AfGmailMessage) */
void       af_gmail_client_get_metadata_async (AfGmailClient      *self,
                                               const char *const  *ids,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
GPtrArray *af_gmail_client_get_metadata_finish (AfGmailClient *self,
                                                GAsyncResult  *result,
                                                GError       **error);

/* Reading messages as their ids become known (a sync's pages): the
 * reader sends each full batch at once. */
typedef struct _AfGmailReader AfGmailReader;

AfGmailReader *af_gmail_client_read_begin (AfGmailClient      *self,
                                           gboolean            full,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
void           af_gmail_reader_add (AfGmailReader     *reader,
                                    const char *const *ids,
                                    guint              n_ids);
void           af_gmail_reader_close (AfGmailReader *reader);
/* Messages a reader has just read: (element-type AfGmailMessage)
 * (transfer full); with a convert function, what it made of them. */
typedef void (*AfGmailMessagesFunc) (GPtrArray *messages,
                                     gpointer   user_data);
void af_gmail_reader_set_each (AfGmailReader      *reader,
                               AfGmailMessagesFunc each,
                               gpointer            user_data);
/* What a reader with an each function makes of a message it read, in the
 * thread that parsed it: it may touch only @message and @user_data (never
 * changed while the reader lives). %NULL: the message is left out. */
typedef gpointer (*AfGmailMessageConvertFunc) (AfGmailMessage *message,
                                               gpointer        user_data);
void       af_gmail_reader_set_convert (AfGmailReader            *reader,
                                        AfGmailMessageConvertFunc convert,
                                        GDestroyNotify            converted_free,
                                        gpointer                  user_data,
                                        GDestroyNotify            user_data_free);
GPtrArray *af_gmail_client_read_finish (AfGmailClient *self,
                                        GAsyncResult  *result,
                                        GError       **error);

/* The same through the batch endpoint, with @full: format=full, so
 * body_text is filled in. Finish with af_gmail_client_get_messages_finish(),
 * or af_gmail_client_get_metadata_finish(): they are the same. */
void       af_gmail_client_get_messages_async (AfGmailClient      *self,
                                               const char *const  *ids,
                                               gboolean            full,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
GPtrArray *af_gmail_client_get_messages_finish (AfGmailClient *self,
                                                GAsyncResult  *result,
                                                GError       **error);

/* format=full, with body_text filled in. */
void            af_gmail_client_get_message_async (AfGmailClient      *self,
                                                   const char         *id,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
AfGmailMessage *af_gmail_client_get_message_finish (AfGmailClient *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);

/* → (element-type AfGmailLabel) */
void       af_gmail_client_list_labels_async (AfGmailClient      *self,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
GPtrArray *af_gmail_client_list_labels_finish (AfGmailClient *self,
                                               GAsyncResult  *result,
                                               GError       **error);

void          af_gmail_client_create_label_async (AfGmailClient      *self,
                                                  const char         *name,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
AfGmailLabel *af_gmail_client_create_label_finish (AfGmailClient *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

/* messages.batchModify in chunks of ≤ 1000 ids. Archive, star and mark
 * read are modifications: archive = remove INBOX, star = add STARRED,
 * mark read = remove UNREAD. */
void     af_gmail_client_modify_async (AfGmailClient      *self,
                                       const char *const  *ids,
                                       const char *const  *add_label_ids,
                                       const char *const  *remove_label_ids,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean af_gmail_client_modify_finish (AfGmailClient *self,
                                        GAsyncResult  *result,
                                        GError       **error);
void     af_gmail_client_archive_async (AfGmailClient      *self,
                                        const char *const  *ids,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
void     af_gmail_client_star_async (AfGmailClient      *self,
                                     const char *const  *ids,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
void     af_gmail_client_mark_read_async (AfGmailClient      *self,
                                          const char *const  *ids,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
/* archive/star/mark_read finish with af_gmail_client_modify_finish(). */

/* drafts.create → the draft id. */
void  af_gmail_client_create_draft_async (AfGmailClient         *self,
                                          const AfGmailOutgoing *outgoing,
                                          GCancellable          *cancellable,
                                          GAsyncReadyCallback    callback,
                                          gpointer               user_data);
char *af_gmail_client_create_draft_finish (AfGmailClient *self,
                                           GAsyncResult  *result,
                                           GError       **error);
char *af_gmail_client_create_draft_finish_full (AfGmailClient *self,
                                                GAsyncResult  *result,
                                                char         **message_id,
                                                GError       **error);

/* messages.send → the sent message (id, thread_id, label_ids). Never
 * retried after a 5xx or a dropped connection. */
void            af_gmail_client_send_async (AfGmailClient         *self,
                                            const AfGmailOutgoing *outgoing,
                                            GCancellable          *cancellable,
                                            GAsyncReadyCallback    callback,
                                            gpointer               user_data);
AfGmailMessage *af_gmail_client_send_finish (AfGmailClient *self,
                                             GAsyncResult  *result,
                                             GError       **error);

/* messages.list (or drafts.list with @in_drafts) with q=rfc822msgid:
 * → the id of the message (or draft) with that Message-ID, or %NULL
 * with no error when there is none. */
void  af_gmail_client_find_by_message_id_async (AfGmailClient      *self,
                                                const char         *message_id,
                                                gboolean            in_drafts,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
char *af_gmail_client_find_by_message_id_finish (AfGmailClient *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

G_END_DECLS

/* af-gmail-batch.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading many messages through Gmail's batch endpoint: the
 * multipart/mixed request, its answer split into parts, and the rounds
 * that retry what was not answered.
 */

#define G_LOG_DOMAIN "af-gmail-client"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-error.h"
#include "af-gmail-client.h"
#include "af-gmail-client-private.h"
#include "af-json-private.h"

/* "You're limited to 100 calls in a single batch request"; Google warns
 * that batches over 50 are likelier to be rate limited, so a part that
 * answers 429 makes the following rounds smaller:
 * https://developers.google.com/gmail/api/guides/batch */
#define BATCH_MAX    100
#define BATCH_MIN    10
#define BATCH_ROUNDS 4
/* Batches out at once while ids still come: one fewer than AfHttpClient
 * lets on the network to a service, so that the listing bringing the ids
 * (one page after the other) never waits behind the reads, and two more
 * waiting at the client's exchange thread, to go the moment a read is
 * answered rather than once the main loop has dealt with the answer (a
 * page of the listing goes before them: a paged method). So it stays
 * when the messages are told as they are read
 * (af_gmail_reader_set_each()): what the caller does with them meanwhile
 * (a batchModify) does not either. */
#define OPEN_IN_FLIGHT 5
/* Once every id is known, the reads may take all four connections, two
 * more waiting: a batchModify of what was read waits for the reads
 * before it, at most (the HTTP client keeps them in order). */
#define CLOSED_IN_FLIGHT 6
#define METADATA_HEADERS "metadataHeaders=From&metadataHeaders=To&metadataHeaders=Subject&metadataHeaders=Date&metadataHeaders=Message-ID&metadataHeaders=References"

/* A read of many messages, fed ids as they become known: full batches go
 * out at once, the last partial one when the reader is closed. */
struct _AfGmailReader
{
  GTask      *task;      /* until it returns */
  GPtrArray  *messages;  /* AfGmailMessage */
  GPtrArray  *queue;     /* ids waiting for a batch */
  GHashTable *asked;     /* every id added: each is read once */
  GPtrArray  *retry;     /* ids to try again in the next round */
  guint       in_flight; /* batch requests out */
  guint       reading;   /* answers being read */
  guint       rounds;
  guint       batch_max; /* parts per batch request */
  gboolean    throttled; /* a part answered 429 this round */
  gboolean    full;      /* format=full: headers and body */
  gboolean    closed;    /* no more ids */
  gboolean    pausing;   /* before a throttled round */
  GError     *error;
  /* Told each batch's messages as they are read, instead of the result. */
  AfGmailMessagesFunc each;
  gpointer            each_data;
  /* What @each is told of each message instead, made off the main thread. */
  AfGmailMessageConvertFunc convert;
  GDestroyNotify            converted_free;
  gpointer                  convert_data;
  GDestroyNotify            convert_data_free;
};

static void
reader_free (gpointer data)
{
  AfGmailReader *reader = data;

  g_clear_pointer (&reader->messages, g_ptr_array_unref);
  g_clear_pointer (&reader->queue, g_ptr_array_unref);
  g_clear_pointer (&reader->asked, g_hash_table_unref);
  g_clear_pointer (&reader->retry, g_ptr_array_unref);
  g_clear_error (&reader->error);
  /* No answer is being read any more: the task holds the reader till then. */
  if (reader->convert_data_free != NULL)
    reader->convert_data_free (reader->convert_data);
  g_free (reader);
}

typedef struct
{
  GTask     *task;
  GPtrArray *ids; /* (element-type utf8) asked in this batch */
} BatchCall;

static void reader_pump (AfGmailReader *reader);
static void reader_resume (GTask *task);

/* The first @needle in @data (not NUL-terminated), or NULL. */
static const char *
find_bytes (const char *data,
            gsize       size,
            const char *needle)
{
  gsize length = strlen (needle);

  for (const char *p = data; size >= length && (gsize)(p - data) <= size - length; p++)
    {
      p = memchr (p, needle[0], size - length - (p - data) + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, needle, length) == 0)
        return p;
    }
  return NULL;
}

/* One part of a batch answer: "HTTP/1.1 200 OK\r\nheaders\r\n\r\nbody":
 * its status, and where its body is (up to a NUL). Read in place: a batch
 * of full messages is megabytes, each part parsed once, never copied. */
guint
af_gmail_parse_batch_part (GBytes      *bytes,
                           const char **body_data,
                           gsize       *body_size)
{
  gsize       size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  const char *nul, *sp, *body;
  guint       status = 0;

  *body_data = NULL;
  *body_size = 0;
  if (data == NULL)
    return 0;
  /* Nothing after a NUL counts. */
  if ((nul = memchr (data, '\0', size)) != NULL)
    size = nul - data;
  if (size < 5 || memcmp (data, "HTTP/", 5) != 0)
    return 0;

  sp = memchr (data, ' ', size);
  for (const char *p = sp ? sp + 1 : data + size; p < data + size && g_ascii_isdigit (*p) && status < 1000; p++)
    status = status * 10 + (*p - '0');

  body = find_bytes (data, size, "\r\n\r\n");
  if (body != NULL)
    body += 4;
  else if ((body = find_bytes (data, size, "\n\n")) != NULL)
    body += 2;

  if (body != NULL)
    {
      *body_data = body;
      *body_size = size - (body - data);
    }

  return status;
}

void
af_gmail_batch_part_free (AfGmailBatchPart *part)
{
  g_free (part->content_id);
  g_clear_pointer (&part->body, g_bytes_unref);
  g_free (part);
}

/* memmem() for a delimiter that starts a line. */
static const char *
find_delimiter (const char *p,
                const char *end,
                const char *delimiter,
                gsize       length)
{
  for (const char *start = p; end - p >= (gssize)length; p++)
    {
      p = memchr (p, delimiter[0], end - p - length + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, delimiter, length) == 0 && (p == start || p[-1] == '\n'))
        return p;
    }
  return NULL;
}

static char *
part_content_id (const char *headers,
                 gsize       length)
{
  g_autofree char *text = g_strndup (headers, length);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Content-ID:", strlen ("Content-ID:")) == 0)
      return g_strstrip (g_strdup (lines[i] + strlen ("Content-ID:")));
  return NULL;
}

/**
 * af_gmail_split_batch:
 *
 * Splits a multipart/mixed /batch answer (RFC 2046) into its parts. Not
 * with soup_multipart_new_from_message(): libsoup up to 3.6 reads out of
 * bounds on some malformed bodies (CVE-2025-32914, CVE-2025-4948). An
 * unterminated last part is left out.
 *
 * Returns: (transfer full) (element-type AfGmailBatchPart) (nullable):
 *   the parts, %NULL if the answer is not multipart
 */
GPtrArray *
af_gmail_split_batch (SoupMessageHeaders *headers,
                      GBytes             *body)
{
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autofree char *delimiter = NULL;
  const char      *content_type, *boundary, *data, *end, *p;
  gsize            size = 0, length;

  content_type = soup_message_headers_get_content_type (headers, &params);
  boundary = params != NULL ? g_hash_table_lookup (params, "boundary") : NULL;
  if (content_type == NULL || !g_str_has_prefix (content_type, "multipart/") || boundary == NULL || *boundary == '\0' || body == NULL)
    return NULL;

  delimiter = g_strconcat ("--", boundary, NULL);
  length = strlen (delimiter);
  data = g_bytes_get_data (body, &size);
  if (data == NULL)
    return NULL;
  end = data + size;

  parts = g_ptr_array_new_with_free_func ((GDestroyNotify)af_gmail_batch_part_free);
  p = find_delimiter (data, end, delimiter, length);
  if (p == NULL)
    return NULL;

  for (;;)
    {
      const char       *start, *next, *stop, *blank;
      gsize             header_length;
      AfGmailBatchPart *part;

      p += length;
      /* "--boundary--" closes the body. */
      if (end - p >= 2 && p[0] == '-' && p[1] == '-')
        break;
      start = memchr (p, '\n', end - p);
      if (start == NULL)
        break;
      start++;
      next = find_delimiter (start, end, delimiter, length);
      if (next == NULL)
        break;

      /* The CRLF before a delimiter belongs to the delimiter. */
      stop = next;
      if (stop > start && stop[-1] == '\n')
        stop--;
      if (stop > start && stop[-1] == '\r')
        stop--;

      /* The part's own headers end at its first blank line. */
      blank = NULL;
      header_length = 0;
      if (stop - start >= 2 && start[0] == '\r' && start[1] == '\n')
        blank = start, header_length = 0;
      else if (stop - start >= 1 && start[0] == '\n')
        blank = start, header_length = 0;
      for (const char *q = start; blank == NULL && q < stop; q++)
        if (*q == '\n' && ((stop - q >= 2 && q[1] == '\n') || (stop - q >= 3 && q[1] == '\r' && q[2] == '\n')))
          {
            blank = q + 1;
            header_length = q + 1 - start;
          }

      part = g_new0 (AfGmailBatchPart, 1);
      if (blank != NULL)
        {
          const char *content = blank + (blank[0] == '\r' ? 2 : 1);

          part->content_id = part_content_id (start, header_length);
          part->body = g_bytes_new_from_bytes (body, content - data, stop - content);
        }
      else
        part->body = g_bytes_new_from_bytes (body, start - data, stop - start);
      g_ptr_array_add (parts, part);

      p = next;
    }

  return g_steal_pointer (&parts);
}

/* Once closed and nothing is out: the next round for what was not
 * answered, or the result. */
static void
reader_finish_or_retry (AfGmailReader *reader)
{
  GTask *task;

  if (!reader->closed || reader->in_flight > 0 || reader->reading > 0 || reader->pausing ||
      (reader->queue->len > 0 && reader->error == NULL))
    return;

  if (reader->error == NULL && reader->retry->len > 0 && reader->rounds < BATCH_ROUNDS)
    {
      guint delay_ms = 250u << MIN (reader->rounds, 4u);

      /* Everything asked but not answered (429, 5xx inside the batch)
       * goes into the next round. */
      g_ptr_array_extend_and_steal (reader->queue, g_steal_pointer (&reader->retry));
      reader->retry = g_ptr_array_new_with_free_func (g_free);
      reader->rounds++;
      if (reader->throttled)
        {
          /* Rate limited: the rest goes in smaller batches, after a pause
           * that doubles each round. */
          reader->throttled = FALSE;
          reader->batch_max = MAX (reader->batch_max / 2, BATCH_MIN);
          reader->pausing = TRUE;
          g_timeout_add_once (delay_ms, (GSourceOnceFunc)reader_resume, g_object_ref (reader->task));
          return;
        }
      reader_pump (reader);
      return;
    }

  task = g_steal_pointer (&reader->task);
  if (reader->error != NULL)
    g_task_return_error (task, g_steal_pointer (&reader->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&reader->messages), (GDestroyNotify)g_ptr_array_unref);
  /* May free the reader (the task's data). */
  g_object_unref (task);
}

/* A batch answer read off the main thread: what came back, by part. */
typedef struct
{
  AfHttpResponse *response;
  GPtrArray      *ids;        /* (element-type utf8) asked: the call's, not changed while read */
  GPtrArray      *messages;   /* AfGmailMessage, those answered 200 */
  GPtrArray      *gone;       /* (element-type utf8) ids answered 404 */
  GPtrArray      *unanswered; /* (element-type utf8) asked, and neither */
  gboolean        throttled;
  gboolean        unreadable; /* not multipart at all */
  /* The reader's, when it converts: then @converted replaces @messages. */
  AfGmailMessageConvertFunc convert;
  GDestroyNotify            converted_free;
  gpointer                  convert_data;
  GPtrArray                *converted;
} BatchAnswer;

static void
batch_answer_free (gpointer data)
{
  BatchAnswer *answer = data;

  g_clear_pointer (&answer->response, af_http_response_free);
  g_clear_pointer (&answer->messages, g_ptr_array_unref);
  g_clear_pointer (&answer->gone, g_ptr_array_unref);
  g_clear_pointer (&answer->unanswered, g_ptr_array_unref);
  g_clear_pointer (&answer->converted, g_ptr_array_unref);
  g_free (answer);
}

/* In a worker thread: splitting the answer and parsing 100 messages'
 * JSON is most of a mail fetch's CPU, and the main loop meanwhile takes
 * the next history page and sends the next batch. Only the answer's own
 * data is touched here. */
static void
read_answer_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  BatchAnswer *answer = task_data;
  g_autoptr (GPtrArray) parts = af_gmail_split_batch (answer->response->headers, answer->response->body);

  answer->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)af_gmail_message_free);
  answer->gone = g_ptr_array_new_with_free_func (g_free);
  answer->unreadable = parts == NULL;
  for (guint i = 0; parts != NULL && i < parts->len; i++)
    {
      AfGmailBatchPart *part = parts->pdata[i];
      const char       *body;
      gsize             body_size;
      guint             status = af_gmail_parse_batch_part (part->body, &body, &body_size);
      AfGmailMessage   *message = NULL;

      if (status == 200 && body != NULL && (message = af_gmail_message_from_text (body, body_size)) != NULL)
        {
          if (message->id != NULL)
            g_ptr_array_add (answer->messages, message);
          else
            af_gmail_message_free (message);
        }
      else if (status == 429)
        answer->throttled = TRUE;
      else if (status == 404)
        {
          /* Deleted since it was listed: nothing to read. The id is
           * known from the Content-ID "response-<id>". */
          const char *cid = part->content_id;

          if (cid != NULL && (cid = strstr (cid, "response-")) != NULL)
            {
              char *id = g_strdup (cid + strlen ("response-"));

              id[strcspn (id, ">")] = '\0';
              g_ptr_array_add (answer->gone, id);
            }
        }
    }
  /* The answer's bytes are not needed any more. */
  g_clear_pointer (&answer->response, af_http_response_free);

  if (!answer->unreadable)
    {
      g_autoptr (GHashTable) answered = g_hash_table_new (g_str_hash, g_str_equal);

      /* What was asked and not answered (429, 5xx inside the batch) goes
       * into the next round. */
      for (guint i = 0; i < answer->messages->len; i++)
        g_hash_table_add (answered, ((AfGmailMessage *)answer->messages->pdata[i])->id);
      for (guint i = 0; i < answer->gone->len; i++)
        g_hash_table_add (answered, answer->gone->pdata[i]);
      answer->unanswered = g_ptr_array_new_with_free_func (g_free);
      for (guint k = 0; k < answer->ids->len; k++)
        if (!g_hash_table_contains (answered, answer->ids->pdata[k]))
          g_ptr_array_add (answer->unanswered, g_strdup (answer->ids->pdata[k]));
    }
  if (answer->convert != NULL)
    {
      /* The caller's own form of them is made here too, and the messages
       * are freed here: neither is main-thread work. */
      answer->converted = g_ptr_array_new_full (answer->messages->len, answer->converted_free);
      for (guint i = 0; i < answer->messages->len; i++)
        {
          gpointer converted = answer->convert (answer->messages->pdata[i], answer->convert_data);

          if (converted != NULL)
            g_ptr_array_add (answer->converted, converted);
        }
      g_clear_pointer (&answer->messages, g_ptr_array_unref);
    }
  g_task_return_boolean (task, TRUE);
}

/* Back on the main thread: what was read joins the result, what was
 * asked and not answered (429, 5xx inside the batch) the next round. */
static void
on_answer_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  BatchCall *call = user_data;
  g_autoptr (GTask) task = call->task;
  g_autoptr (GPtrArray) ids = call->ids;
  AfGmailReader *reader = g_task_get_task_data (task);
  BatchAnswer   *answer = g_task_get_task_data (G_TASK (result));
  g_autoptr (GPtrArray) told = NULL;

  g_free (call);
  reader->reading--;
  reader->throttled |= answer->throttled;
  if (answer->unreadable)
    {
      if (reader->error == NULL)
        reader->error = af_gmail_bad_response (_ ("Read messages in a batch"));
    }
  else
    {
      g_ptr_array_extend_and_steal (reader->retry, g_steal_pointer (&answer->unanswered));
      if (reader->each == NULL)
        g_ptr_array_extend_and_steal (reader->messages, g_steal_pointer (&answer->messages));
      else if (reader->error == NULL && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        told = answer->converted != NULL ? g_steal_pointer (&answer->converted) : g_steal_pointer (&answer->messages);
    }

  /* The next batch goes out before the caller deals with these. */
  reader_pump (reader);
  if (told != NULL && told->len > 0)
    reader->each (g_steal_pointer (&told), reader->each_data);
  reader_finish_or_retry (reader);
}

static void
on_batch_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  BatchCall     *call = user_data;
  AfGmailReader *reader = g_task_get_task_data (call->task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AfHttpResponse) response = af_http_client_request_finish (AF_HTTP_CLIENT (object), result, &error);
  g_autoptr (GTask) read = NULL;
  BatchAnswer *answer;

  reader->in_flight--;
  if (response == NULL)
    {
      g_autoptr (GTask) task = call->task;
      g_autoptr (GPtrArray) ids = call->ids;

      g_free (call);
      if (reader->error == NULL)
        reader->error = g_steal_pointer (&error);
      reader_pump (reader);
      reader_finish_or_retry (reader);
      return;
    }

  /* A connection is free: the next batch may go out while this one is
   * read. */
  reader->reading++;
  reader_pump (reader);
  answer = g_new0 (BatchAnswer, 1);
  answer->response = g_steal_pointer (&response);
  answer->ids = call->ids;
  if (reader->each != NULL && reader->convert != NULL)
    {
      answer->convert = reader->convert;
      answer->converted_free = reader->converted_free;
      answer->convert_data = reader->convert_data;
    }
  read = g_task_new (NULL, NULL, on_answer_read_cb, call);
  g_task_set_source_tag (read, read_answer_thread);
  g_task_set_task_data (read, answer, batch_answer_free);
  g_task_run_in_thread (read, read_answer_thread);
}

/* One batch request for the first @n ids of the queue: a multipart/mixed
 * body (RFC 2046) of application/http parts, each with its Content-ID, as
 * https://developers.google.com/gmail/api/guides/batch shows it. Written
 * here rather than through SoupMultipart, which costs a headers object
 * and several copies per part, a hundred to a request. */
static void
reader_send (AfGmailReader *reader,
             guint          n)
{
  AfGmailClient   *self = g_task_get_source_object (reader->task);
  g_autofree char *batch_url = g_strconcat (af_gmail_client_get_base_url (self), "/batch/gmail/v1", NULL);
  /* Hex digits and dashes: never in a part, and no quoting needed. */
  g_autofree char *boundary = g_uuid_string_random ();
  g_autofree char *content_type = g_strconcat ("multipart/mixed; boundary=", boundary, NULL);
  const char      *base_path = af_gmail_client_get_base_path (self);
  const char      *query = reader->full ? "?format=full" : "?format=metadata&" METADATA_HEADERS;
  GString         *text = g_string_sized_new (n * (160 + strlen (base_path) + strlen (query)));
  g_autoptr (GBytes) body = NULL;
  BatchCall *call = g_new0 (BatchCall, 1);

  call->ids = g_ptr_array_new_full (n, g_free);
  for (guint i = 0; i < n; i++)
    {
      const char      *id = reader->queue->pdata[i];
      g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

      g_string_append (text, i > 0 ? "\r\n--" : "--");
      g_string_append (text, boundary);
      g_string_append (text, "\r\nContent-Type: application/http\r\n");
      /* A header value never holds a line break (SoupMessageHeaders
       * would not take it either). */
      if (strpbrk (id, "\r\n") == NULL)
        {
          g_string_append (text, "Content-ID: <");
          g_string_append (text, id);
          g_string_append (text, ">\r\n");
        }
      g_string_append (text, "\r\nGET ");
      g_string_append (text, base_path);
      g_string_append (text, "/gmail/v1/users/me/messages/");
      g_string_append (text, escaped);
      g_string_append (text, query);
      g_string_append (text, "\r\n\r\n");
      /* The id moves from the queue to the call. */
      g_ptr_array_add (call->ids, g_steal_pointer (&reader->queue->pdata[i]));
    }
  g_ptr_array_remove_range (reader->queue, 0, n);
  g_string_append (text, "\r\n--");
  g_string_append (text, boundary);
  g_string_append (text, "--\r\n");
  body = g_string_free_to_bytes (text);

  call->task = g_object_ref (reader->task);
  reader->in_flight++;
  af_http_client_request_async (af_gmail_client_get_http (self), af_gmail_method ("gmail.batch"), af_gmail_client_get_tokens (self), "POST", batch_url,
                                content_type, body, g_task_get_cancellable (reader->task), on_batch_cb, call);
}

/* Sends what may go: full batches while ids may still come, the rest once
 * closed (the HTTP client then holds them until a connection is free, or
 * the reader does, while its messages are told as they come). */
static void
reader_pump (AfGmailReader *reader)
{
  while (reader->error == NULL && !reader->pausing && reader->queue->len > 0 &&
         (reader->closed ? reader->each == NULL || reader->in_flight < CLOSED_IN_FLIGHT
                         : reader->queue->len >= reader->batch_max && reader->in_flight < OPEN_IN_FLIGHT))
    reader_send (reader, MIN (reader->batch_max, reader->queue->len));
}

static void
reader_resume (GTask *task)
{
  AfGmailReader *reader = g_task_get_task_data (task);

  reader->pausing = FALSE;
  reader_pump (reader);
  reader_finish_or_retry (reader);
  g_object_unref (task);
}

/**
 * af_gmail_client_read_begin:
 * @full: format=full (headers and body_text), else format=metadata
 *
 * Starts reading messages through the batch endpoint, as their ids become
 * known: add them with af_gmail_reader_add(), then call
 * af_gmail_reader_close(). Ids are read once each, 100 to a batch; the
 * batches go out while more ids come. @callback runs once the reader is
 * closed and every id is read (or left out: deleted since, or still
 * refused after a few rounds); finish with af_gmail_client_read_finish().
 *
 * Returns: (transfer none): the reader, valid until af_gmail_reader_close()
 */
AfGmailReader *
af_gmail_client_read_begin (AfGmailClient      *self,
                            gboolean            full,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  AfGmailReader *reader;

  g_return_val_if_fail (AF_IS_GMAIL_CLIENT (self), NULL);

  reader = g_new0 (AfGmailReader, 1);
  reader->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (reader->task, af_gmail_client_read_begin);
  g_task_set_task_data (reader->task, reader, reader_free);
  reader->full = full;
  reader->batch_max = BATCH_MAX;
  reader->rounds = 1;
  reader->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)af_gmail_message_free);
  reader->queue = g_ptr_array_new_with_free_func (g_free);
  reader->asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  reader->retry = g_ptr_array_new_with_free_func (g_free);
  return reader;
}

/**
 * af_gmail_reader_add:
 * @ids: (array length=n_ids): message ids; those added before are skipped
 *
 * Queues ids to read; a full batch goes out as soon as a request may.
 * After an error, nothing more is asked (the error is the result).
 */
void
af_gmail_reader_add (AfGmailReader     *reader,
                     const char *const *ids,
                     guint              n_ids)
{
  g_return_if_fail (reader != NULL && !reader->closed);
  g_return_if_fail (ids != NULL || n_ids == 0);

  if (reader->error != NULL)
    return;
  for (guint i = 0; i < n_ids; i++)
    if (ids[i] != NULL && g_hash_table_add (reader->asked, g_strdup (ids[i])))
      g_ptr_array_add (reader->queue, g_strdup (ids[i]));
  reader_pump (reader);
}

/**
 * af_gmail_reader_set_each:
 * @each: (nullable): told the messages of each batch as they are read
 *
 * The messages go to @each, on the main context, as each batch is read,
 * rather than into the result (which is then empty), so that the caller
 * can deal with them while the next ones are read. Not after an error
 * (that batch and those still out are not told), nor once cancelled. Set
 * before the first af_gmail_reader_add().
 */
void
af_gmail_reader_set_each (AfGmailReader      *reader,
                          AfGmailMessagesFunc each,
                          gpointer            user_data)
{
  g_return_if_fail (reader != NULL && !reader->closed);

  reader->each = each;
  reader->each_data = user_data;
}

/**
 * af_gmail_reader_set_convert:
 * @convert: (scope notified): makes what @each is told of a message
 * @converted_free: (nullable): frees what @convert made
 * @user_data_free: (nullable): frees @user_data once the reader is done
 *
 * With an each function (af_gmail_reader_set_each()), each message read is
 * given to @convert in the worker thread that parsed its batch, and @each
 * is told what @convert made of them (in the same order, those it made
 * %NULL of left out) instead of the messages, which are freed there.
 * Set before the first af_gmail_reader_add().
 */
void
af_gmail_reader_set_convert (AfGmailReader            *reader,
                             AfGmailMessageConvertFunc convert,
                             GDestroyNotify            converted_free,
                             gpointer                  user_data,
                             GDestroyNotify            user_data_free)
{
  g_return_if_fail (reader != NULL && !reader->closed);
  g_return_if_fail (convert != NULL);

  if (reader->convert_data_free != NULL)
    reader->convert_data_free (reader->convert_data);
  reader->convert = convert;
  reader->converted_free = converted_free;
  reader->convert_data = user_data;
  reader->convert_data_free = user_data_free;
}

/**
 * af_gmail_reader_close:
 *
 * No more ids: the last batch goes out, and the read finishes once every
 * answer is in. @reader must not be used after this.
 */
void
af_gmail_reader_close (AfGmailReader *reader)
{
  g_return_if_fail (reader != NULL && !reader->closed);

  reader->closed = TRUE;
  reader_pump (reader);
  reader_finish_or_retry (reader);
}

/**
 * af_gmail_client_read_finish:
 *
 * Returns: (transfer full) (element-type AfGmailMessage): the messages
 *   that still exist, in no particular order
 */
GPtrArray *
af_gmail_client_read_finish (AfGmailClient *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_gmail_client_read_begin), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
af_gmail_client_get_messages_async (AfGmailClient      *self,
                                    const char *const  *ids,
                                    gboolean            full,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  AfGmailReader *reader;

  g_return_if_fail (AF_IS_GMAIL_CLIENT (self));
  g_return_if_fail (ids != NULL);

  reader = af_gmail_client_read_begin (self, full, cancellable, callback, user_data);
  af_gmail_reader_add (reader, ids, g_strv_length ((char **)ids));
  af_gmail_reader_close (reader);
}

/**
 * af_gmail_client_get_messages_finish:
 *
 * Returns: (transfer full) (element-type AfGmailMessage): the messages
 *   that still exist, in no particular order
 */
GPtrArray *
af_gmail_client_get_messages_finish (AfGmailClient *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return af_gmail_client_read_finish (self, result, error);
}

void
af_gmail_client_get_metadata_async (AfGmailClient      *self,
                                    const char *const  *ids,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  af_gmail_client_get_messages_async (self, ids, FALSE, cancellable, callback, user_data);
}

/**
 * af_gmail_client_get_metadata_finish:
 *
 * Returns: (transfer full) (element-type AfGmailMessage): the messages
 *   that still exist, in no particular order
 */
GPtrArray *
af_gmail_client_get_metadata_finish (AfGmailClient *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return af_gmail_client_read_finish (self, result, error);
}

/* af-fuzz.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the libFuzzer harnesses: each defines LLVMFuzzerTestOneInput
 * and calls af_fuzz_init() once. The same sources link either with
 * libFuzzer (-Dfuzzing=true) or with af-fuzz-main.c, which replays a
 * corpus directory as a regression test.
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* Parsers of untrusted input see hostile data all the time: their
 * messages are noise here. A critical is a caller's contract broken by
 * such data; AF_FUZZ_FATAL_CRITICALS=1 turns them into crashes to find
 * where. */
static GLogWriterOutput
af_fuzz_log_writer (GLogLevelFlags   log_level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  static int fatal = -1;

  if (fatal < 0)
    fatal = g_getenv ("AF_FUZZ_FATAL_CRITICALS") != NULL;

  if (g_getenv ("AF_FUZZ_VERBOSE") != NULL || (fatal && (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))))
    g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  if (fatal && (log_level & G_LOG_LEVEL_CRITICAL))
    abort ();
  /* g_error() and failed allocations would end in SIGTRAP, which
   * libFuzzer does not catch: abort so the input is kept. */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL))
    {
      g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
      abort ();
    }

  return G_LOG_WRITER_HANDLED;
}

static inline void
af_fuzz_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      g_log_set_writer_func (af_fuzz_log_writer, NULL, NULL);
      g_once_init_leave (&once, 1);
    }
}

/* A NUL-terminated copy of the input (the parsers take C strings). */
static inline char *
af_fuzz_strndup (const uint8_t *data,
                 size_t         size)
{
  char *s = g_malloc (size + 1);

  if (size > 0)
    memcpy (s, data, size);
  s[size] = '\0';
  return s;
}

/* The input parsed as JSON, or NULL. */
static inline JsonNode *
af_fuzz_parse_json (const uint8_t *data,
                    size_t         size)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, (const char *)data, (gssize)size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL ? json_node_copy (root) : NULL;
}

/* Splits the input into @n_fields NUL-terminated strings at each "\n--\n"
 * (a seed stays readable); missing fields are NULL. */
static inline char **
af_fuzz_split (const uint8_t *data,
               size_t         size,
               guint          n_fields)
{
  g_autofree char *text = af_fuzz_strndup (data, size);
  char           **fields = g_new0 (char *, n_fields + 1);
  char            *p = text;

  for (guint i = 0; i < n_fields && p != NULL; i++)
    {
      char *sep = i + 1 < n_fields ? strstr (p, "\n--\n") : NULL;

      if (sep != NULL)
        {
          fields[i] = g_strndup (p, sep - p);
          p = sep + 4;
        }
      else
        {
          fields[i] = g_strdup (p);
          p = NULL;
        }
    }

  return fields;
}

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

/* Whether a message comes from AgentFlow's own code (G_LOG_DOMAIN
 * "af-…") rather than from a library. */
static inline gboolean
af_fuzz_from_project (const GLogField *fields,
                      gsize            n_fields)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].value != NULL)
      return fields[i].length < 0 ? g_str_has_prefix (fields[i].value, "af-")
                                  : fields[i].length >= 3 && memcmp (fields[i].value, "af-", 3) == 0;
  return FALSE;
}

/* Parsers of untrusted input see hostile data all the time: their
 * messages are noise here. With AF_FUZZ_FATAL_CRITICALS=1 (the fuzz
 * suite sets it) a critical from any domain (json-glib's come from a
 * getter we called with the wrong type: a contract broken by such data)
 * and a warning of our own (a case left unhandled) abort, so libFuzzer
 * keeps the input and the corpus replay fails. */
static GLogWriterOutput
af_fuzz_log_writer (GLogLevelFlags   log_level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  static int fatal = -1;
  gboolean   abort_now;

  if (fatal < 0)
    fatal = g_getenv ("AF_FUZZ_FATAL_CRITICALS") != NULL && g_strcmp0 (g_getenv ("AF_FUZZ_FATAL_CRITICALS"), "0") != 0;

  abort_now = fatal && ((log_level & G_LOG_LEVEL_CRITICAL) ||
                        ((log_level & G_LOG_LEVEL_WARNING) && af_fuzz_from_project (fields, n_fields)));
  /* g_error() and failed allocations would end in SIGTRAP, which
   * libFuzzer does not catch: abort so the input is kept. */
  abort_now |= (log_level & (G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL)) != 0;

  if (abort_now || g_getenv ("AF_FUZZ_VERBOSE") != NULL)
    g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  if (abort_now)
    abort ();

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

/* af-database-migrations.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "af-database"

#include "config.h"

#include "af-database-migrations.h"

/* Times are Unix microseconds (g_get_real_time ()). Free-form structures
 * (triggers, rules, details) are JSON text. No column ever holds a secret:
 * tokens and API keys live in the Secret Service only. */
const char *const af_database_migrations[] = {
  /* 1: initial schema */
  "CREATE TABLE connections ("
  "  id INTEGER PRIMARY KEY,"
  "  service TEXT NOT NULL,"
  "  account TEXT NOT NULL,"
  "  display_name TEXT,"
  "  scopes TEXT NOT NULL DEFAULT '',"
  "  status TEXT NOT NULL DEFAULT 'connected',"
  "  status_reason TEXT,"
  "  connected_at INTEGER NOT NULL,"
  "  last_used_at INTEGER,"
  "  UNIQUE (service, account)"
  ");"
  "CREATE TABLE agents ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  template TEXT NOT NULL,"
  "  definition TEXT NOT NULL DEFAULT '{}',"
  "  state TEXT NOT NULL DEFAULT 'active',"
  "  state_reason TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  last_run_at INTEGER,"
  "  next_run_at INTEGER"
  ");"
  "CREATE TABLE runs ("
  "  id INTEGER PRIMARY KEY,"
  "  agent_id TEXT NOT NULL,"
  "  started_at INTEGER NOT NULL,"
  "  finished_at INTEGER,"
  "  outcome TEXT NOT NULL DEFAULT 'running',"
  "  dry_run INTEGER NOT NULL DEFAULT 0,"
  "  actions INTEGER NOT NULL DEFAULT 0,"
  "  error TEXT"
  ");"
  "CREATE INDEX runs_by_agent ON runs (agent_id, id);"
  "CREATE INDEX runs_by_time ON runs (started_at);"
  "CREATE TABLE activity ("
  "  id INTEGER PRIMARY KEY,"
  "  ts INTEGER NOT NULL,"
  "  agent_id TEXT,"
  "  run_id INTEGER,"
  "  kind TEXT NOT NULL,"
  "  summary TEXT NOT NULL,"
  "  details TEXT,"
  "  outcome TEXT"
  ");"
  "CREATE INDEX activity_by_agent ON activity (agent_id, id);"
  "CREATE INDEX activity_by_kind ON activity (kind, id);"
  "CREATE INDEX activity_by_time ON activity (ts);"
  "CREATE TABLE outbox ("
  "  id INTEGER PRIMARY KEY,"
  "  idempotency_key TEXT NOT NULL UNIQUE,"
  "  agent_id TEXT NOT NULL,"
  "  run_id INTEGER,"
  "  action TEXT NOT NULL,"
  "  params TEXT NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'pending',"
  "  result TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX outbox_by_state ON outbox (state, id);"
  "CREATE TABLE approvals ("
  "  id INTEGER PRIMARY KEY,"
  "  outbox_id INTEGER NOT NULL REFERENCES outbox (id),"
  "  agent_id TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  target TEXT,"
  "  preview TEXT,"
  "  reason TEXT,"
  "  state TEXT NOT NULL DEFAULT 'pending',"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER,"
  "  decided_at INTEGER"
  ");"
  "CREATE INDEX approvals_by_state ON approvals (state, id);"
  "CREATE TABLE sync_cursors ("
  "  service TEXT NOT NULL,"
  "  account TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  scope TEXT NOT NULL DEFAULT '',"
  "  value TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (service, account, kind, scope)"
  ");"
  "CREATE TABLE seen_items ("
  "  agent_id TEXT NOT NULL,"
  "  item_id TEXT NOT NULL,"
  "  seen_at INTEGER NOT NULL,"
  "  PRIMARY KEY (agent_id, item_id)"
  ") WITHOUT ROWID;",
  /* 2: activity counters, so a list model over millions of rows knows its
   * length without a COUNT(*) scan; the run outbox key per run step */
  "CREATE TABLE activity_counts ("
  "  agent_id TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  PRIMARY KEY (agent_id, kind)"
  ") WITHOUT ROWID;"
  "INSERT INTO activity_counts (agent_id, kind, n)"
  "  SELECT coalesce (agent_id, ''), kind, count (*) FROM activity GROUP BY 1, 2;"
  "CREATE TRIGGER activity_counts_insert AFTER INSERT ON activity BEGIN"
  "  INSERT INTO activity_counts (agent_id, kind, n)"
  "    VALUES (coalesce (NEW.agent_id, ''), NEW.kind, 1)"
  "    ON CONFLICT (agent_id, kind) DO UPDATE SET n = n + 1;"
  "END;"
  "CREATE TRIGGER activity_counts_delete AFTER DELETE ON activity BEGIN"
  "  UPDATE activity_counts SET n = n - 1"
  "    WHERE agent_id = coalesce (OLD.agent_id, '') AND kind = OLD.kind;"
  "END;"
  "CREATE INDEX outbox_by_agent ON outbox (agent_id, id);",
  /* 3: agent-specific connections (agent = the agent id, '' for a shared
   * one) may sit beside a shared connection of the same account, so the
   * uniqueness covers the agent; provider holds what a provider found out
   * at connect time (an OpenID issuer's endpoints), never a secret.
   * SQLite cannot change a UNIQUE constraint in place: rebuild. */
  "CREATE TABLE connections_new ("
  "  id INTEGER PRIMARY KEY,"
  "  service TEXT NOT NULL,"
  "  account TEXT NOT NULL,"
  "  agent TEXT NOT NULL DEFAULT '',"
  "  display_name TEXT,"
  "  scopes TEXT NOT NULL DEFAULT '',"
  "  status TEXT NOT NULL DEFAULT 'connected',"
  "  status_reason TEXT,"
  "  connected_at INTEGER NOT NULL,"
  "  last_used_at INTEGER,"
  "  provider TEXT,"
  "  UNIQUE (service, account, agent)"
  ");"
  "INSERT INTO connections_new (id, service, account, display_name, scopes, status, status_reason,"
  "    connected_at, last_used_at)"
  "  SELECT id, service, account, display_name, scopes, status, status_reason, connected_at, last_used_at"
  "  FROM connections;"
  "DROP TABLE connections;"
  "ALTER TABLE connections_new RENAME TO connections;"
  "CREATE INDEX connections_by_agent ON connections (agent);",
  /* 4: which process a run belongs to (af-run-owner.c), so that a run
   * another live process is doing is not taken for an interrupted one */
  "ALTER TABLE runs ADD COLUMN owner TEXT;",
  /* 5: which process holds an outbox entry that is not finished (pending
   * or executing), so that a restart reconciles what a process that is
   * gone left behind and never what a live one is doing */
  "ALTER TABLE outbox ADD COLUMN owner TEXT;",
  /* 6: actions per hour (UTC) by agent and outcome, kept by triggers like
   * activity_counts, so a chart of the last 30 days reads a few hundred
   * rows instead of scanning millions (af-metrics-store.c). Hours, not
   * days: the local day is summed from them in whatever time zone the
   * user is in. */
  "CREATE TABLE activity_hourly ("
  "  hour INTEGER NOT NULL,"
  "  agent_id TEXT NOT NULL,"
  "  done INTEGER NOT NULL DEFAULT 0,"
  "  waiting INTEGER NOT NULL DEFAULT 0,"
  "  failed INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (hour, agent_id)"
  ") WITHOUT ROWID;"
  "INSERT INTO activity_hourly (hour, agent_id, done, waiting, failed)"
  "  SELECT ts / 3600000000, coalesce (agent_id, ''), total (kind = 'action-done'),"
  "    total (kind = 'approval-requested'), total (kind = 'action-failed')"
  "  FROM activity WHERE kind IN ('action-done', 'approval-requested', 'action-failed') GROUP BY 1, 2;"
  "CREATE TRIGGER activity_hourly_insert AFTER INSERT ON activity"
  "  WHEN NEW.kind IN ('action-done', 'approval-requested', 'action-failed') BEGIN"
  "  INSERT INTO activity_hourly (hour, agent_id, done, waiting, failed)"
  "    VALUES (NEW.ts / 3600000000, coalesce (NEW.agent_id, ''), NEW.kind = 'action-done',"
  "            NEW.kind = 'approval-requested', NEW.kind = 'action-failed')"
  "    ON CONFLICT (hour, agent_id) DO UPDATE SET done = done + excluded.done,"
  "      waiting = waiting + excluded.waiting, failed = failed + excluded.failed;"
  "END;"
  "CREATE TRIGGER activity_hourly_delete AFTER DELETE ON activity"
  "  WHEN OLD.kind IN ('action-done', 'approval-requested', 'action-failed') BEGIN"
  "  UPDATE activity_hourly SET done = done - (OLD.kind = 'action-done'),"
  "    waiting = waiting - (OLD.kind = 'approval-requested'), failed = failed - (OLD.kind = 'action-failed')"
  "    WHERE hour = OLD.ts / 3600000000 AND agent_id = coalesce (OLD.agent_id, '');"
  "END;",
};

const guint af_database_n_migrations = G_N_ELEMENTS (af_database_migrations);

-- A Grove database at schema version 6 (written by the importers before import_aliases)
-- holding the first 8 lines of the Claude Code session beside it and the first 7 of the rollout.
PRAGMA user_version = 6;
BEGIN TRANSACTION;
CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    kind TEXT NOT NULL DEFAULT 'manual',
    note TEXT,
    state TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (thread_id, name)
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message_id INTEGER,
    from_leaf_id INTEGER,
    to_leaf_id INTEGER,
    data TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (thread_id, seq)
);
INSERT INTO "events" VALUES(1,1,1,'imported',6,NULL,6,'{"source":"claude-code","added":6,"created":true,"imported_leaf_id":6,"file":"/tmp/tmp5_rac6ck/5f0c8a34-0000-4000-8000-00000000c0de.jsonl","lines":[1,8]}','2026-12-06T03:19:16.346805+00:00');
INSERT INTO "events" VALUES(2,2,1,'imported',12,NULL,12,'{"source":"codex","added":6,"created":true,"imported_leaf_id":12,"file":"/tmp/tmp5_rac6ck/rollout-2026-01-01T10-00-00-7a1d5b7e-0000-4000-8000-00000000c0de.jsonl","lines":[1,7]}','2026-12-06T03:19:16.346828+00:00');
CREATE TABLE fts_control (id INTEGER PRIMARY KEY CHECK (id = 1), paused INTEGER NOT NULL);
INSERT INTO "fts_control" VALUES(1,0);
CREATE TABLE fts_pending (first_id INTEGER PRIMARY KEY, end_id INTEGER NOT NULL);
CREATE TABLE handoffs (
    id INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,
    agent TEXT NOT NULL,
    session_id TEXT NOT NULL,
    path TEXT NOT NULL,
    copied TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (agent, session_id)
);
CREATE TABLE import_files (
    path TEXT PRIMARY KEY,
    format TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    offset INTEGER NOT NULL,
    line_count INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    state TEXT,
    imported_at TEXT NOT NULL
, parser_version INTEGER NOT NULL DEFAULT 0);
INSERT INTO "import_files" VALUES('@DIR@/5f0c8a34-0000-4000-8000-00000000c0de.jsonl','claude-code',2226,1.79652715633303117757e+09,2226,8,'2226:0734d5ee2c698bcb62cbfddee0ddffac7573120b|2226:0734d5ee2c698bcb62cbfddee0ddffac7573120b|1796527156333031185','{"main":"5f0c8a34-0000-4000-8000-00000000c0de","parent_session":null,"alias":{"a0":"a0","p1":"a0","a2":"a2","a3":"a2","a4":"a4","a5":"a5","a6":"a6","a7":"a7"},"msgs":{"a0":["5f0c8a34-0000-4000-8000-00000000c0de","1",null,"user"],"a2":["5f0c8a34-0000-4000-8000-00000000c0de","1","a0","assistant"],"a4":["5f0c8a34-0000-4000-8000-00000000c0de","1","a2","tool"],"a5":["5f0c8a34-0000-4000-8000-00000000c0de","1","a4","assistant"],"a6":["5f0c8a34-0000-4000-8000-00000000c0de","1","a5","user"],"a7":["5f0c8a34-0000-4000-8000-00000000c0de","1","a6","assistant"]},"first_cand":{"a0":["a2","2026-01-01T10:00:02.000Z"],"a5":["a6","2026-01-01T10:00:06.000Z"],"a6":["a7","2026-01-01T10:00:07.000Z"]},"tails":{"1":"a7"},"nseg":1,"last":{"5f0c8a34-0000-4000-8000-00000000c0de":"a7"},"open":{"5f0c8a34-0000-4000-8000-00000000c0de":{"key":"a7","msgid":"msg_3","content":"ls -a","data":{"usage":{"input_tokens":10,"output_tokens":5},"message_id":"msg_3","uuid":"a7"}}},"usage":{"5f0c8a34-0000-4000-8000-00000000c0de":{"msg_1":[10,5],"msg_2":[10,5],"msg_3":[10,5]}},"tokens":{"5f0c8a34-0000-4000-8000-00000000c0de":[30,15]},"threads":{"5f0c8a34-0000-4000-8000-00000000c0de":{"first_ts":"2026-01-01T10:00:00.000Z","last_ts":"2026-01-01T10:00:07.000Z","first_prompt":"How do I list files?"}},"titles":{},"meta":{"session_id":"5f0c8a34-0000-4000-8000-00000000c0de","cwd":"/tmp/v6"},"leaf_uuid":null,"last_ts":"2026-01-01T10:00:07.000Z","newest":{"5f0c8a34-0000-4000-8000-00000000c0de":["2026-01-01T10:00:07.000Z","1"]}}','2026-12-06T03:19:16.346805+00:00',1);
INSERT INTO "import_files" VALUES('@DIR@/rollout-2026-01-01T10-00-00-7a1d5b7e-0000-4000-8000-00000000c0de.jsonl','codex',1002,1.79652715633305621149e+09,1002,7,'1002:0a6372a0b3d64e83856871b3c5a25dafd9949b51|1002:0a6372a0b3d64e83856871b3c5a25dafd9949b51|1796527156333056269','{"key":"7a1d5b7e-0000-4000-8000-00000000c0de","tail":"L7","turns":["L2","L4"],"parents":{"L2":null,"L3":"L2","L4":"L3","L5":"L4","L6":"L5","L7":"L6"},"last_role":{"user":["second question","event"],"assistant":["second answer","event"]},"calls":{"c1":"L5"},"tokens":[0,0],"meta":{"session_id":"7a1d5b7e-0000-4000-8000-00000000c0de","cwd":"/tmp/v6","cli_version":"0.1"},"cutoff":null,"first_ts":"2026-01-01T10:00:00.000Z","last_ts":"2026-01-01T10:00:06.000Z","title":"first question","parent":null,"forked_from":null,"reply_title":"first answer"}','2026-12-06T03:19:16.346828+00:00',2);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES messages(id),
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    data TEXT,
    status TEXT NOT NULL DEFAULT 'completed',
    created_at TEXT NOT NULL,
    depth INTEGER NOT NULL DEFAULT 0,
    child_count INTEGER NOT NULL DEFAULT 0
, source_key TEXT);
INSERT INTO "messages" VALUES(1,1,NULL,'user','How do I list files?','{"uuid":"a0"}','completed','2026-01-01T10:00:00.000000+00:00',0,1,'a0');
INSERT INTO "messages" VALUES(2,1,1,'assistant','Use ls.','{"usage":{"input_tokens":10,"output_tokens":5},"message_id":"msg_1","uuid":"a2","tool_calls":[{"id":"t1","name":"Bash","input":{"command":"ls"}}],"uuids":["a3"]}','completed','2026-01-01T10:00:02.000000+00:00',1,1,'a2');
INSERT INTO "messages" VALUES(3,1,2,'tool','a.txt','{"tool_results":[{"tool_use_id":"t1","output":"a.txt"}],"uuid":"a4"}','completed','2026-01-01T10:00:04.000000+00:00',2,1,'a4');
INSERT INTO "messages" VALUES(4,1,3,'assistant','There is a.txt.','{"usage":{"input_tokens":10,"output_tokens":5},"message_id":"msg_2","uuid":"a5"}','completed','2026-01-01T10:00:05.000000+00:00',3,1,'a5');
INSERT INTO "messages" VALUES(5,1,4,'user','And hidden files?','{"uuid":"a6"}','completed','2026-01-01T10:00:06.000000+00:00',4,1,'a6');
INSERT INTO "messages" VALUES(6,1,5,'assistant','ls -a','{"usage":{"input_tokens":10,"output_tokens":5},"message_id":"msg_3","uuid":"a7"}','completed','2026-01-01T10:00:07.000000+00:00',5,0,'a7');
INSERT INTO "messages" VALUES(7,2,NULL,'user','first question',NULL,'completed','2026-01-01T10:00:01.000000+00:00',0,1,'L2');
INSERT INTO "messages" VALUES(8,2,7,'assistant','first answer',NULL,'completed','2026-01-01T10:00:02.000000+00:00',1,1,'L3');
INSERT INTO "messages" VALUES(9,2,8,'user','second question',NULL,'completed','2026-01-01T10:00:03.000000+00:00',2,1,'L4');
INSERT INTO "messages" VALUES(10,2,9,'assistant','','{"tool_calls":[{"id":"c1","name":"shell","input":{"cmd":"ls"}}]}','completed','2026-01-01T10:00:04.000000+00:00',3,1,'L5');
INSERT INTO "messages" VALUES(11,2,10,'tool','a.txt','{"tool_results":[{"tool_use_id":"c1","output":"a.txt"}]}','completed','2026-01-01T10:00:05.000000+00:00',4,1,'L6');
INSERT INTO "messages" VALUES(12,2,11,'assistant','second answer',NULL,'completed','2026-01-01T10:00:06.000000+00:00',5,0,'L7');
PRAGMA writable_schema=ON;
INSERT INTO sqlite_master(type,name,tbl_name,rootpage,sql)VALUES('table','messages_fts','messages_fts',0,'CREATE VIRTUAL TABLE messages_fts USING fts5(
    content,
    content=''messages'',
    content_rowid=''id'',
    tokenize=''unicode61 remove_diacritics 2'',
    prefix=''2 3''
)');
INSERT INTO "messages_fts" VALUES('How do I list files?');
INSERT INTO "messages_fts" VALUES('Use ls.');
INSERT INTO "messages_fts" VALUES('a.txt');
INSERT INTO "messages_fts" VALUES('There is a.txt.');
INSERT INTO "messages_fts" VALUES('And hidden files?');
INSERT INTO "messages_fts" VALUES('ls -a');
INSERT INTO "messages_fts" VALUES('first question');
INSERT INTO "messages_fts" VALUES('first answer');
INSERT INTO "messages_fts" VALUES('second question');
INSERT INTO "messages_fts" VALUES('');
INSERT INTO "messages_fts" VALUES('a.txt');
INSERT INTO "messages_fts" VALUES('second answer');
CREATE TABLE 'messages_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO "messages_fts_config" VALUES('version',4);
CREATE TABLE 'messages_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
INSERT INTO "messages_fts_data" VALUES(1,X'0C1C');
INSERT INTO "messages_fts_data" VALUES(10,X'000000000101010001010101');
INSERT INTO "messages_fts_data" VALUES(137438953473,X'0000019902306103020201020402020305020202026E640502020304737765720802030402030102646F010203010566696C65730102060402040303727374070202010202010668696464656E05020302026F7701020201016901020402017304020301046C69737401020502017302020304020201087175657374696F6E07020302020301067365636F6E6409020203020201057468657265040202020278740302030102050702030103757365020202000331616E0502020302030402030102646F010203010266690102060402040202020102020102686905020302016F0102020102697304020301026C6901020502017302020304020201027175070203020203010273650902020302020102746804020202017803020301020507020301027573020202000432616E64050202030173080203040203010366696C010206040204030172070202010202010368696405020302026F7701020201036C6973010205010371756507020302020301037365630902020302020103746865040202020278740302030102050702030103757365020202040F070C070D0B0B0706060909100E0A0D080E071007060707090A0A070C0709090B090807080B0B080D');
CREATE TABLE 'messages_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
INSERT INTO "messages_fts_docsize" VALUES(1,X'05');
INSERT INTO "messages_fts_docsize" VALUES(2,X'02');
INSERT INTO "messages_fts_docsize" VALUES(3,X'02');
INSERT INTO "messages_fts_docsize" VALUES(4,X'04');
INSERT INTO "messages_fts_docsize" VALUES(5,X'03');
INSERT INTO "messages_fts_docsize" VALUES(6,X'02');
INSERT INTO "messages_fts_docsize" VALUES(7,X'02');
INSERT INTO "messages_fts_docsize" VALUES(8,X'02');
INSERT INTO "messages_fts_docsize" VALUES(9,X'02');
INSERT INTO "messages_fts_docsize" VALUES(10,X'00');
INSERT INTO "messages_fts_docsize" VALUES(11,X'02');
INSERT INTO "messages_fts_docsize" VALUES(12,X'02');
CREATE TABLE 'messages_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
INSERT INTO "messages_fts_idx" VALUES(1,X'',2);
CREATE TABLE threads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT,
    status TEXT NOT NULL DEFAULT 'idle',
    source TEXT NOT NULL DEFAULT 'grove',
    project TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    current_leaf_id INTEGER,
    archived_at TEXT,
    forked_from_thread_id INTEGER REFERENCES threads(id) ON DELETE SET NULL,
    forked_from_message_id INTEGER,
    parent_thread_id INTEGER REFERENCES threads(id) ON DELETE SET NULL,
    parent_message_id INTEGER,
    message_count INTEGER NOT NULL DEFAULT 0,
    leaf_count INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    metadata TEXT,
    last_seq INTEGER NOT NULL DEFAULT 0
, source_key TEXT, hidden INTEGER NOT NULL DEFAULT 0);
INSERT INTO "threads" VALUES(1,'How do I list files?','idle','claude-code','/tmp/v6','2026-01-01T10:00:00.000000+00:00','2026-01-01T10:00:07.000000+00:00',6,NULL,NULL,NULL,NULL,NULL,6,1,30,15,0.0,'{"session_id":"5f0c8a34-0000-4000-8000-00000000c0de","cwd":"/tmp/v6","file":"@DIR@/5f0c8a34-0000-4000-8000-00000000c0de.jsonl"}',1,'5f0c8a34-0000-4000-8000-00000000c0de',0);
INSERT INTO "threads" VALUES(2,'first question','idle','codex','/tmp/v6','2026-01-01T10:00:00.000000+00:00','2026-01-01T10:00:06.000000+00:00',12,NULL,NULL,NULL,NULL,NULL,6,1,0,0,0.0,'{"session_id":"7a1d5b7e-0000-4000-8000-00000000c0de","cwd":"/tmp/v6","cli_version":"0.1","file":"@DIR@/rollout-2026-01-01T10-00-00-7a1d5b7e-0000-4000-8000-00000000c0de.jsonl"}',1,'7a1d5b7e-0000-4000-8000-00000000c0de',0);
CREATE INDEX threads_by_update ON threads(updated_at DESC, id DESC);
CREATE INDEX threads_by_parent ON threads(parent_thread_id) WHERE parent_thread_id IS NOT NULL;
CREATE INDEX messages_by_parent ON messages(parent_id, created_at, id);
CREATE INDEX messages_roots ON messages(thread_id, created_at, id) WHERE parent_id IS NULL;
CREATE INDEX messages_leaves ON messages(thread_id, child_count, created_at, id);
CREATE INDEX checkpoints_by_message ON checkpoints(message_id);
CREATE INDEX events_by_time ON events(created_at);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN (SELECT paused FROM fts_control) = 0 BEGIN
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE UNIQUE INDEX threads_by_source_key ON threads(source, source_key) WHERE source_key IS NOT NULL;
CREATE INDEX messages_by_source_key ON messages(thread_id, source_key) WHERE source_key IS NOT NULL;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN coalesce((SELECT end_id FROM fts_pending WHERE first_id <= old.id ORDER BY first_id DESC LIMIT 1), 0) <= old.id
BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
WHEN coalesce((SELECT end_id FROM fts_pending WHERE first_id <= old.id ORDER BY first_id DESC LIMIT 1), 0) <= old.id
BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE INDEX handoffs_by_thread ON handoffs(thread_id);
CREATE INDEX threads_by_project ON threads(project);
PRAGMA writable_schema=OFF;
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('threads',2);
INSERT INTO "sqlite_sequence" VALUES('messages',12);
COMMIT;

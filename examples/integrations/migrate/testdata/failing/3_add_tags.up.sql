CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO tags(name) VALUES ('go');
-- A mistake: there is no table "tag". The whole migration must roll back.
INSERT INTO tag(name) VALUES ('sql');

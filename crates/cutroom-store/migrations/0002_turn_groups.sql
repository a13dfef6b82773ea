-- Edits made by one agent turn share a group, so "undo" takes back a whole message.
ALTER TABLE drafts ADD COLUMN grp TEXT;

-- What the agent was talking about after each turn (what "it" means in the next message).
ALTER TABLE turns ADD COLUMN context TEXT;
CREATE INDEX turns_session ON turns (session_id, created_at);

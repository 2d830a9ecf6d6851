-- +goose Up
ALTER TABLE users ADD COLUMN bio TEXT;
-- A trigger body holds semicolons: goose needs StatementBegin/End around it.
-- +goose StatementBegin
CREATE TRIGGER users_bio_default AFTER INSERT ON users WHEN NEW.bio IS NULL
BEGIN
	UPDATE users SET bio = '' WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER users_bio_default;
ALTER TABLE users DROP COLUMN bio;

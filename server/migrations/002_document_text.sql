-- The article's text as the CMS last sent it (`PUT /documents/{id}/text`), against which
-- the stored annotations were last re-anchored.
ALTER TABLE documents ADD COLUMN text text;
ALTER TABLE documents ADD COLUMN text_format text;

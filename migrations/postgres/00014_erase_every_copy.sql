-- Erasing a commenter's personal data reaches every copy of it (Law 91/2025/QH15 art. 4).
--
-- A results notice to a commenter names the opinion it is about, so that erasing or
-- withdrawing that opinion, or the retention purge, finds it and deletes it. There is no
-- foreign key: the column only links a queued message to what it was queued for. Notices
-- queued before this migration carry the opinion in their dedup key ("results:C:opinion:O").
--
-- The hash that tells a retry from another opinion under the same idempotency key no longer
-- covers the name and contact: a short phone number could be found again from a hash kept
-- after the contact was erased. Hashes made before are cleared.
--
-- A name given online is kept only to be shown with the opinion; names left without that
-- consent are cleared. Withdrawing an opinion now ends the purposes its name and contact
-- were kept for, as erasing does; opinions withdrawn before lose them here.

-- +goose Up
ALTER TABLE outbox ADD COLUMN opinion_id BIGINT;
UPDATE outbox SET opinion_id = CAST(substring(dedup_key FROM ':opinion:([0-9]+)$') AS BIGINT)
    WHERE dedup_key LIKE 'results:%:opinion:%';
CREATE INDEX outbox_opinion_idx ON outbox (opinion_id);
UPDATE consents SET withdrawn_at = (SELECT o.withdrawn_at FROM opinions o WHERE o.id = consents.opinion_id)
    WHERE withdrawn_at IS NULL AND opinion_id IN (SELECT id FROM opinions WHERE status = 'withdrawn' AND withdrawn_at IS NOT NULL);
UPDATE opinions SET author_name = '', show_name = FALSE, contact = '', erased_at = COALESCE(erased_at, withdrawn_at)
    WHERE status = 'withdrawn' AND withdrawn_at IS NOT NULL AND (author_name <> '' OR contact <> '' OR show_name);
DELETE FROM outbox WHERE opinion_id IN (SELECT id FROM opinions WHERE contact = '' OR erased_at IS NOT NULL);
UPDATE opinions SET request_hash = '' WHERE request_hash <> '';
UPDATE opinions SET author_name = '' WHERE channel = 'online' AND NOT show_name AND author_name <> '';

-- +goose Down
DROP INDEX outbox_opinion_idx;
ALTER TABLE outbox DROP COLUMN opinion_id;

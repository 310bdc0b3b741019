-- The unit tree cannot loop. A unit sits only under a unit of a higher level (a province above
-- communes, wards and special zones, and those above villages and residential groups), so
-- every step up the tree climbs a level and no unit can end up below itself, whatever the
-- application does. A CSV import that put a commune under its own village made every
-- authorisation check on it walk the loop forever. (SQLite has no functions in SQL, so the
-- level is spelt out in each trigger.)

-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER units_parent_above_insert BEFORE INSERT ON units
WHEN NEW.parent_id IS NOT NULL
 AND (SELECT CASE kind WHEN 'province' THEN 3 WHEN 'village' THEN 1 ELSE 2 END FROM units WHERE id = NEW.parent_id)
     <= (CASE NEW.kind WHEN 'province' THEN 3 WHEN 'village' THEN 1 ELSE 2 END)
BEGIN SELECT RAISE(ABORT, 'a unit''s parent must be of a higher level'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER units_parent_above_update BEFORE UPDATE OF parent_id, kind ON units
WHEN NEW.parent_id IS NOT NULL
 AND (SELECT CASE kind WHEN 'province' THEN 3 WHEN 'village' THEN 1 ELSE 2 END FROM units WHERE id = NEW.parent_id)
     <= (CASE NEW.kind WHEN 'province' THEN 3 WHEN 'village' THEN 1 ELSE 2 END)
BEGIN SELECT RAISE(ABORT, 'a unit''s parent must be of a higher level'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER units_children_below BEFORE UPDATE OF kind ON units
WHEN EXISTS (SELECT 1 FROM units c WHERE c.parent_id = NEW.id
   AND (CASE c.kind WHEN 'province' THEN 3 WHEN 'village' THEN 1 ELSE 2 END)
       >= (CASE NEW.kind WHEN 'province' THEN 3 WHEN 'village' THEN 1 ELSE 2 END))
BEGIN SELECT RAISE(ABORT, 'a unit below it is not of a lower level'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER units_children_below;
DROP TRIGGER units_parent_above_update;
DROP TRIGGER units_parent_above_insert;

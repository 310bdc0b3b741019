-- The unit tree cannot loop. A unit sits only under a unit of a higher level (a province above
-- communes, wards and special zones, and those above villages and residential groups), so
-- every step up the tree climbs a level and no unit can end up below itself, whatever the
-- application does. A CSV import that put a commune under its own village made every
-- authorisation check on it walk the loop forever.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION unit_level(kind TEXT) RETURNS INTEGER IMMUTABLE LANGUAGE sql AS $$
    SELECT CASE kind WHEN 'province' THEN 3 WHEN 'village' THEN 1 ELSE 2 END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION units_keep_tree() RETURNS trigger AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL
       AND (SELECT unit_level(kind) FROM units WHERE id = NEW.parent_id) <= unit_level(NEW.kind) THEN
        RAISE EXCEPTION 'unit %: its parent must be of a higher level', NEW.code;
    END IF;
    IF TG_OP = 'UPDATE' AND EXISTS (
        SELECT 1 FROM units WHERE parent_id = NEW.id AND unit_level(kind) >= unit_level(NEW.kind)) THEN
        RAISE EXCEPTION 'unit %: a unit below it is not of a lower level', NEW.code;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER units_keep_tree BEFORE INSERT OR UPDATE OF parent_id, kind ON units
    FOR EACH ROW EXECUTE FUNCTION units_keep_tree();

-- +goose Down
DROP TRIGGER units_keep_tree ON units;
DROP FUNCTION units_keep_tree();
DROP FUNCTION unit_level(TEXT);

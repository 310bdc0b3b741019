-- The Fatherland Front committee of a unit (role "front"): it reads what observers read and
-- records the Front's own acts (Law 10/2022 art. 16-17, 20(3), 21(2), 28(1); Decree 59/2023
-- art. 5). SQLite cannot change a CHECK constraint, so the table is built anew; no other
-- table refers to it.

-- +goose Up
CREATE TABLE staff_roles_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id  INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('admin', 'official', 'moderator', 'observer', 'front')),
    unit_id   INTEGER NOT NULL REFERENCES units (id),
    UNIQUE (staff_id, role, unit_id)
);
INSERT INTO staff_roles_new (id, staff_id, role, unit_id) SELECT id, staff_id, role, unit_id FROM staff_roles;
DROP TABLE staff_roles;
ALTER TABLE staff_roles_new RENAME TO staff_roles;

-- +goose Down
CREATE TABLE staff_roles_old (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id  INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('admin', 'official', 'moderator', 'observer')),
    unit_id   INTEGER NOT NULL REFERENCES units (id),
    UNIQUE (staff_id, role, unit_id)
);
INSERT INTO staff_roles_old (id, staff_id, role, unit_id) SELECT id, staff_id, role, unit_id FROM staff_roles WHERE role <> 'front';
DROP TABLE staff_roles;
ALTER TABLE staff_roles_old RENAME TO staff_roles;

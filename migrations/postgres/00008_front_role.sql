-- The Fatherland Front committee of a unit (role "front"): it reads what observers read and
-- records the Front's own acts (Law 10/2022 art. 16-17, 20(3), 21(2), 28(1); Decree 59/2023
-- art. 5).

-- +goose Up
ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check;
ALTER TABLE staff_roles ADD CONSTRAINT staff_roles_role_check
    CHECK (role IN ('admin', 'official', 'moderator', 'observer', 'front'));

-- +goose Down
DELETE FROM staff_roles WHERE role = 'front';
ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check;
ALTER TABLE staff_roles ADD CONSTRAINT staff_roles_role_check
    CHECK (role IN ('admin', 'official', 'moderator', 'observer'));

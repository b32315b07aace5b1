-- Who made an annotation's last change, by name as well as by `sub`: clients show it
-- ("Bob changed the verdict while you were editing").
ALTER TABLE annotations ADD COLUMN modified_by_name text NOT NULL DEFAULT '';

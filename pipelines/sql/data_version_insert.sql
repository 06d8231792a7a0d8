-- Records one data version: when, by whom, what kind of write.
INSERT INTO data_versions (version, made_at, made_by, what) VALUES ($version, $at, $by, $what)

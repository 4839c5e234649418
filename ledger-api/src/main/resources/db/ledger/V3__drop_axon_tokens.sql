-- Read models keep their positions in rm_projection_state (see the projections' V5): Axon's token
-- table is no longer used.
DROP TABLE IF EXISTS tokenentry;

-- Trigram indexes serve the run list's text search (ilike '%…%' on the error message and record key).
-- pg_trgm ships with PostgreSQL and is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

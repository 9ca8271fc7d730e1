"""Reply understanding: raw message bytes in, a Verdict out. Pure; never raises on bad mail."""
